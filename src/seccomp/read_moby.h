// Docker/moby (and containers/common) profile JSON: archMap, errno names and
// per-rule includes/excludes conditions, resolved for one ResolveContext the
// way moby's setupSeccomp does, so the result is a plain OCI Policy.
#pragma once

#include "seccomp/model.h"
#include "seccomp/read_node.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp::detail {

Policy read_moby(const Node& root, const ResolveContext& context);

}  // namespace nri_seccomp::seccomp::detail
