// The CreateContainer decision: which base policy the container has, which
// profiles policy and annotations select, the merged/compiled result, and the
// adjustment that carries it. Pure with respect to one State and one runtime:
// the Engine adds logging, audit, metrics and state swapping around it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nri.pb.h"
#include "policy/config.h"
#include "policy/runtime_caps.h"
#include "policy/state.h"

namespace nri_seccomp::policy {

enum class Outcome { applied, untouched, refused };
std::string_view outcome_name(Outcome o);

// What happened to one container; also what metrics observers receive.
struct Decision {
  Outcome outcome = Outcome::untouched;
  Mode mode = Mode::enforce;
  std::string pod_namespace, pod, container;
  std::string base;                   // runtime-default:containerd|cri-o[(assumed)], current-policy, localhost:<path>, unconfined[(assumed)], unknown
  std::vector<std::string> profiles;  // overlays in merge order (mandatory first); "replace:" not included
  bool replace = false;
  std::string rule = "defaults";      // matching policy rule
  std::string reason;                 // refused: the full message sent to the runtime; untouched: why
  std::string_view reason_code;       // refused: fixed snake_case code (profile_not_found, runtime_unsupported, errno_unsupported, ...)
  std::string hash;                   // applied: hash of the policy handed to NRI
  int syscall_rules = 0;              // applied: syscall rules in that policy
  bool cache_hit = false;
  std::vector<std::string> warnings;  // e.g. profiles dropped by onMissingProfile: fallback
  std::chrono::microseconds duration{0};
  uint64_t generation = 0;
  // Inline-only mode: the decision stopped before slow work (this says which)
  // and must be made again with inline_only false, off the request thread.
  std::string slow_path;
  std::vector<std::string> evicted;   // container ids evicted in this answer (recovery audit)
  std::vector<std::string> stripped;  // runtime-override annotations removed (runtimeOverrides: strip)
};

// "nri-seccomp: pod <ns>/<pod> container <name>: <reason>"
std::string refusal_message(std::string_view pod_namespace, std::string_view pod, std::string_view container,
                            std::string_view reason);

// A merged policy whose libseccomp check+compile was left to the caller
// (the recovery audit, which judges many containers first; see
// check_pending()).
struct PendingCheck {
  std::string key;  // decision cache key
  std::shared_ptr<const ReadyAdjustment> ready;
  std::shared_ptr<const seccomp::Policy> policy;
  std::string what;  // "profiles a,b merged into base X", for messages
};

// Fills `response.adjust` when the outcome is applied; leaves it empty
// otherwise. Never throws: every failure is a refused Decision.
// With `pending` null, a new combination's merged policy is checked,
// compiled and verified right here, before anything is answered: libseccomp
// can compile a valid merge into a weaker filter, so no container may get a
// combination whose filter has not verified. The daemon does this on its
// slow-path worker, within the request budget. Otherwise the check is handed
// back in *pending (the caller must run it before the result is used for a
// container).
// With `inline_only`, the decision stops before anything that may be slow
// (see Decision::slow_path) instead of doing it.
Decision decide(const State& state, const RuntimeCaps& runtime,
                const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                ::nri::pkg::api::v1alpha1::CreateContainerResponse& response,
                std::optional<PendingCheck>* pending = nullptr, bool inline_only = false);

// Runs a pending check against `state` (compile, verify, the runtime's
// libseccomp hazards) and records in the state's decision cache what later
// requests for the combination get, which it also returns:
//  - the adjustment as built, when its filter verifies;
//  - when it does not, the adjustment of the first equivalent shape that
//    does (ReadyAdjustment::shape names it; seccomp/shapes.h), so the
//    runtime gets a shape libseccomp compiles right;
//  - otherwise the failure (ReadyAdjustment::check_error): later requests
//    are refused with it.
// The compiles happen here, never on a warm request: in the daemon this runs
// on the slow-path worker before a new combination's first answer, and on the
// recovery audit's thread.
std::shared_ptr<const ReadyAdjustment> check_pending(const State& state, const PendingCheck& pending);

// The warning a decision carries when check_pending handed out a shape.
std::string reshaped_warning(const ReadyAdjustment& ready);

// Annotation keys recorded on applied containers.
std::string applied_profiles_key(std::string_view prefix);
std::string policy_hash_key(std::string_view prefix);
std::string mode_key(std::string_view prefix);

}  // namespace nri_seccomp::policy
