// Writing a Policy back out as OCI `linux.seccomp` JSON, and naming it by
// content. The bytes are deterministic (fixed field order, empty/absent fields
// omitted), so equal policies always produce equal text and equal hashes.
#pragma once

#include <string>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

// OCI field names: defaultAction, defaultErrnoRet, architectures, flags,
// listenerPath, listenerMetadata, syscalls[names, action, errnoRet,
// args[index, value, valueTwo, op]]. Compact unless `pretty` (2-space indent).
std::string to_oci_json(const Policy& policy, bool pretty = false);

// "sha256:<hex>" of to_oci_json(policy) (compact): the policy's identity.
std::string policy_hash(const Policy& policy);

}  // namespace nri_seccomp::seccomp
