// Realistic NRI payloads for tests and benchmarks: what containerd 2.3 sends
// on CreateContainer for an ordinary Kubernetes pod with RuntimeDefault.
#pragma once

#include <string>
#include <vector>

#include "nri.pb.h"

namespace nri_seccomp::testing {

namespace api = ::nri::pkg::api::v1alpha1;

// ~360 real x86_64 syscall names: the unconditional allow list of the
// moby/containerd default profile (hard-coded; good enough for payload size
// and for tests that need a believable base policy).
const std::vector<std::string>& default_allowed_syscalls();

// linux.seccomp_policy as containerd 2.3 sends it for RuntimeDefault:
// default SCMP_ACT_ERRNO (EPERM), x86_64/x86/x32, one SCMP_ACT_ALLOW rule with
// every name of default_allowed_syscalls().
api::LinuxSeccomp make_runtime_default_policy();

// Pod default/demo-<n> (uid, labels, annotations), container "app" with args,
// 20 env vars, 10 mounts, seccomp_profile RUNTIME_DEFAULT and the policy above.
api::CreateContainerRequest make_realistic_create_request();

}  // namespace nri_seccomp::testing
