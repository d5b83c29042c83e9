// Which action a policy gives one syscall with given arguments, and which rule
// decides it, read the way runc + libseccomp compile the policy (see
// merge_combine.h). Tests check it against the BPF evaluator on the compiled
// filter.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seccomp/compile.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

struct Explanation {
  enum class Reason {
    rule,                 // rule_index decides
    default_action,       // no rule for this syscall matches these arguments
    not_on_architecture,  // the name does not exist on the arch: default action
    bad_architecture,     // arch not in the filter: libseccomp kills the thread
  };
  Reason reason = Reason::default_action;
  Action action = Action::allow;
  uint32_t data = 0;                  // errno / trace message
  uint32_t ret = 0;                   // the kernel return value
  std::optional<size_t> rule_index;   // index into policy.syscalls
  std::vector<Arg> conditions;        // the condition set that matched (runc reading)
  bool ambiguous = false;             // rules with other actions also match: libseccomp's
                                      // tree order decides, the answer may differ
};

// `args` are the syscall's arguments; on 32-bit architectures only their low
// 32 bits exist. Throws ProfileError for an unknown architecture name.
Explanation explain(const Policy& policy, std::string_view arch, std::string_view syscall,
                    const std::array<uint64_t, 6>& args, const CompileOptions& options = {});

// One line for people: "ERRNO(1) by syscalls[3] (mkdir) args[0] == 0x5" ...
std::string describe(const Explanation& e, const Policy& policy);

}  // namespace nri_seccomp::seccomp
