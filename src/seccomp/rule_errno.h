// Policies for runtimes that must never see a syscall rule's errno_ret.
// NRI v0.10 and v0.11 (containerd 2.2.x, CRI-O 1.34-1.36) write through a nil
// pointer for any LinuxSyscall with errno_ret set, and the panic takes the
// whole runtime down. Without the field, runc and crun return EPERM for ERRNO
// rules; NRI drops defaultErrnoRet on every version, so the default action's
// errno is EPERM too. A policy is exact there only if every errno it needs is
// EPERM.
#pragma once

#include <string>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

enum class ErrnoFallback {
  refuse,       // any other errno: the policy cannot be written (throws)
  approximate,  // ENOSYS -> TRACE (ENOSYS while no tracer is attached), others -> EPERM
};

struct WithoutRuleErrno {
  Policy policy;                      // no errno_ret on any rule, no default_errno
  std::vector<std::string> changed;   // approximate: "clone3: ERRNO(ENOSYS) -> TRACE", one per change
};

// Throws ProfileError listing what needs another errno ("errno 38 (ENOSYS)
// for clone3; ...") when `fallback` is refuse and the policy is not exact
// without rule errnos. TRACE's data (the tracer's message number) goes the
// same way: kept only where it is 1, which runc uses when none is given.
WithoutRuleErrno without_rule_errno(const Policy& policy, ErrnoFallback fallback);

}  // namespace nri_seccomp::seccomp
