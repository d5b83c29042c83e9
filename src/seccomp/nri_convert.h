// Policy <-> NRI's LinuxSeccomp message. Presence matters: default_errno and
// errno_ret are OptionalUInt32 messages, absent means "not given" (EPERM).
#pragma once

#include "nri.pb.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

void to_nri(const Policy& policy, ::nri::pkg::api::v1alpha1::LinuxSeccomp& out);
// Throws ProfileError on unknown action/op strings or an arg index > 5.
Policy from_nri(const ::nri::pkg::api::v1alpha1::LinuxSeccomp& in);

}  // namespace nri_seccomp::seccomp
