// Rewrites of a policy that keep or deliberately change its meaning.
#pragma once

#include <vector>
#include <string>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

// NRI's spec generator drops defaultErrnoRet, so a policy whose default is
// ERRNO(ENOSYS) would give the container EPERM for every unlisted syscall.
// This returns an equivalent policy whose default errno is EPERM (so nothing
// is lost when the field is dropped): every syscall libseccomp knows on ALL
// target architectures that the policy does not decide otherwise gets an
// explicit rule with the original errno (conditional syscalls get rules for
// the argument values their rules do not cover). Limits, documented: syscall
// numbers libseccomp does not know, and names that exist on only some of the
// target architectures, still get EPERM; so do argument values outside a
// conditional syscall's rules when writing them out exactly would take more
// than region::kMaxCubes condition sets (e.g. runtime default's personality,
// five exact values). The action never changes, only the errno. The same
// applies to a TRACE default.
// Policies whose default carries EPERM (or no data) are returned unchanged
// except that defaultErrnoRet is removed. `architectures` empty: the policy's
// own, else the native architecture plus sub-architectures.
Policy preserve_default_errno(const Policy& policy, const std::vector<std::string>& architectures = {});

// Complain mode: where `merged` is stricter than `base`, the result logs
// (SCMP_ACT_LOG, or base's own verdict if that is already stricter than LOG);
// everywhere else it is `base`. Architectures and flags are base's.
Policy complain(const Policy& base, const Policy& merged);

}  // namespace nri_seccomp::seccomp
