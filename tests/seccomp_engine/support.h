// Shared helpers: compile a policy and ask the evaluator what it answers.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp::testing {

using Args = std::array<uint64_t, 6>;

// A compiled filter, decoded, ready to evaluate per architecture.
class Filter {
 public:
  // Unknown names are skipped, as runc does (merged policies keep names of
  // architectures the intersection dropped).
  explicit Filter(const Policy& policy, const CompileOptions& options = ignore_unknown());
  explicit Filter(CompiledPolicy compiled);
  static CompileOptions ignore_unknown() {
    CompileOptions o;
    o.unknown_syscalls = UnknownSyscalls::ignore;
    return o;
  }
  // The kernel's answer for syscall `name` (or raw number `nr`) on `arch`;
  // architectures not in the filter get libseccomp's bad-arch answer (KILL).
  uint32_t answer(std::string_view arch, std::string_view name, const Args& args) const;
  uint32_t answer_nr(std::string_view arch, int nr, const Args& args) const;
  const CompiledPolicy& compiled() const { return compiled_; }

 private:
  CompiledPolicy compiled_;
  std::vector<std::pair<std::string, std::vector<BpfInsn>>> programs_;
};

// The kernel's choice between two filters' answers, earliest on equal actions.
uint32_t stricter_ret(uint32_t first, uint32_t second);

Policy load_seed(const std::string& file);  // from config/profiles

// A rule / an x86_64-only policy, for tests that write policies by hand.
Rule rule(std::vector<std::string> names, Action action, std::vector<Arg> args = {},
          std::optional<uint32_t> err = std::nullopt);
Policy x86_64(Action def, std::vector<Rule> rules);

// check_and_compile's error message, or "(no error)".
std::string compile_error(const Policy& p, const CompileOptions& o = {});

}  // namespace nri_seccomp::seccomp::testing
