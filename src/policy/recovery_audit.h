// The recovery audit: after every registration the runtime lists every pod
// and container (Synchronize); for each running container, decide what policy
// says it must have and whether it has it - judged by facts a pod cannot
// write, never by the applied-profiles / policy-hash / mode annotations (those
// are ordinary annotations: a pod can carry copies of them):
//   - where the runtime reports the container's real seccomp policy
//     (containerd >= 2.3), that policy must be one the plugin decided for
//     this container (its digest in the plugin's decision record);
//   - elsewhere, the plugin's decision record (policy/decision_record.h:
//     written only after the runtime's validation confirmed the adjustment)
//     must hold a decision for the container id, and where the plugin sees
//     host pids the kernel must report a seccomp filter on its process.
// Then:
//   - policy selects profiles and there is no such evidence: the container
//     was created while the plugin was away, or carries forged stamps:
//     UNPROTECTED;
//   - policy would refuse it and the plugin never admitted it: UNPROTECTED;
//   - evidence of a decision with other profiles or mode than policy says
//     today: it got the policy of its time (an older generation): STALE,
//     reported only;
//   - exempt, mode off, nothing selected, or the plugin's own pod: not judged.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nri.pb.h"
#include "policy/decision.h"
#include "policy/decision_record.h"
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
                                    const std::unordered_map<std::string, RecordedDecision>& record,
                                    const std::function<std::shared_ptr<const ReadyAdjustment>(PendingCheck)>& check);

}  // namespace nri_seccomp::policy
