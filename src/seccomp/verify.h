// Verification of compiled filters: "checked" means the BPF libseccomp
// produced decides exactly what the policy says, not only that it compiled.
//
// libseccomp 2.5.4 can compile a valid policy into a filter that decides
// otherwise (three KILL rules covering setsockopt's whole argument space came
// out ALLOWING setsockopt(5, 131072); see docs/policy.md, "What checked
// means"). So every compiled program is run through the project's BPF
// evaluator on a complete set of representative inputs and each answer is
// compared with the engine's reading of the policy (runc + libseccomp, the
// same reading explain() and the merge use):
//  - every syscall number libseccomp knows on the architecture, and a few it
//    does not know (they must get the default action);
//  - for a syscall with conditional rules, one input in every region the
//    conditions cut the argument space into (per argument: each condition's
//    value, value +- 1, 0, the maximum, mask patterns and their single-bit
//    flips, values differing from these only in the high 32 bits), combined
//    across the arguments the rules test;
//  - on 32-bit architectures arguments are truncated to 32 bits, as the
//    kernel hands them to the filter.
// Limits, said where they apply: x86's socketcall/ipc multiplexers accept
// any verdict of the rules libseccomp routes through them (it rewrites those
// rules and drops their argument conditions); overlapping conditional rules
// of different actions accept either rule's verdict (libseccomp's tree order
// decides, the merge refuses such inputs).
#pragma once

#include <cstddef>
#include <string>

#include "common/error.h"
#include "seccomp/compile.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

// A failed verification (the compiled filter decides otherwise than the
// policy), told apart from other check errors so equivalent shapes can be
// tried (shapes.h).
class VerificationFailed : public ProfileError {
 public:
  using ProfileError::ProfileError;
};

struct VerifyReport {
  size_t inputs = 0;  // evaluations compared
};

// Throws VerificationFailed on the first disagreement, naming the architecture,
// the syscall (name and number), the arguments, the filter's answer, the
// policy's answer and the rule that decides it. `compiled` must come from
// check_and_compile(policy, options) (check_and_compile calls this itself
// unless options.verify is false).
VerifyReport verify_compiled(const Policy& policy, const CompiledPolicy& compiled, const CompileOptions& options);

}  // namespace nri_seccomp::seccomp
