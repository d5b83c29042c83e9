// OCI runtime-spec `linux.seccomp` (also what kubelet Localhost profiles are).
#pragma once

#include "seccomp/model.h"
#include "seccomp/read_node.h"

namespace nri_seccomp::seccomp::detail {

Policy read_oci(const Node& root);

// True if `root` uses keys only moby/containers-common profiles have
// (archMap, defaultErrno, or per-rule includes/excludes/comment/errno/name).
bool looks_like_moby(const Node& root);

}  // namespace nri_seccomp::seccomp::detail
