// The recovery audit: after every registration the runtime lists every pod
// and container (Synchronize); for each running container, decide what policy
// says it must have and whether it has it. The plugin stamps every container
// it adjusts with applied-profiles / policy-hash / mode annotations, so:
//   - policy selects profiles, no stamp: the container was created while the
//     plugin was away (killed, stopped past the runtime's timeout, not yet
//     started): UNPROTECTED;
//   - policy would refuse it (e.g. a runtime that cannot take its policy):
//     it should not be running at all: UNPROTECTED;
//   - stamped, but with other profiles or mode than policy says today: it got
//     the policy of its time (an older generation): STALE, reported only;
//   - stamped, but its init process visibly runs without a seccomp filter
//     (/proc/PID/status, where the plugin sees host pids): UNPROTECTED;
//   - exempt, mode off, nothing selected, or the plugin's own pod: not judged.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nri.pb.h"
#include "policy/decision.h"
#include "policy/runtime_caps.h"
#include "policy/state.h"

namespace nri_seccomp::policy {

enum class Standing { unprotected, stale };

struct Finding {
  Standing standing = Standing::unprotected;
  std::string container_id, pod_namespace, pod, container;
  uint32_t pid = 0;   // the container's init process on the host, as the runtime reports it
  std::string lacks;  // what policy says it should have
  Mode mode = Mode::enforce;
  bool evict() const { return standing == Standing::unprotected && mode == Mode::enforce; }
};

struct OwnPod {
  std::string pod_namespace, name;  // empty: unknown (not running in a pod)
};

// Only containers in CREATED, RUNNING or PAUSED state are judged. Judging
// may merge a new combination: its compile check is handed to `check`, which
// runs it (the merged result is cached for later requests and must never be
// served unchecked) and returns the verdict; a failed check judges the
// container as refused.
std::vector<Finding> audit_snapshot(const State& state, const RuntimeCaps& runtime,
                                    const ::nri::pkg::api::v1alpha1::SynchronizeRequest& snapshot, const OwnPod& own,
                                    const std::function<std::shared_ptr<const ReadyAdjustment>(PendingCheck)>& check);

}  // namespace nri_seccomp::policy
