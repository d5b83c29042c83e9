// The validator's check: does the adjustment the runtime is about to apply
// carry exactly what the plugin answered for this container? Run on every
// ValidateContainerAdjustment, after all plugins answered CreateContainer.
//
// This is what closes the runtime's fail-open windows: a plugin whose
// CreateContainer timed out (stalled, killed, slow) has been closed by the
// runtime and contributed nothing, but it is still in the runtime's validator
// list for that request, so its validation fails - and with it the creation.
// And should an answer arrive but not be applied (another plugin owns the
// seccomp policy, an annotation asks the OCI runtime to bypass it), the
// creation is rejected here with what differs.
#pragma once

#include <string>
#include <string_view>

#include "nri.pb.h"
#include "policy/expected_answers.h"

namespace nri_seccomp::policy {

// A digest of a LinuxSeccomp as runtimes report it back: without
// default_errno, which NRI's spec generator drops (runtimes.md section 2), so
// the policy we answered and the one containerd >= 2.3 later reports for the
// container compare equal.
std::string policy_wire_hash(const ::nri::pkg::api::v1alpha1::LinuxSeccomp& policy);

// Empty when the final adjustment is what `answer` says; otherwise the
// reason (without the "nri-seccomp: pod ... container ...:" head).
// `answer` null: the plugin never answered CreateContainer for the container.
// `plugin` is the runtime's name for us ("10-seccomp", as in owners).
std::string check_final_adjustment(const Answer* answer,
                                   const ::nri::pkg::api::v1alpha1::ValidateContainerAdjustmentRequest& request,
                                   std::string_view plugin);

}  // namespace nri_seccomp::policy
