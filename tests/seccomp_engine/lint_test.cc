// lint(): warnings name the rules and say what libseccomp / runc will do.
#include <gtest/gtest.h>

#include "seccomp/compile.h"
#include "seccomp/lint.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::seccomp {
namespace {

Policy allow_default(std::vector<Rule> rules) {
  Policy p;
  p.default_action = Action::allow;
  p.syscalls = std::move(rules);
  return p;
}

TEST(Lint, UnconditionalRuleShadowsConditionalOnesInEitherOrder) {
  const Rule unconditional{{"personality"}, Action::allow, std::nullopt, {}};
  // ERRNO(38), not the default's ERRNO(1): runc would skip a rule equal to the default.
  const Rule conditional{{"personality"}, Action::errno_ret, 38, {Arg{0, 8, 0, Op::eq}}};
  Policy p;
  p.default_action = Action::errno_ret;
  p.syscalls = {conditional, unconditional};
  const std::string want = "syscalls[1] (personality) makes personality unconditional (SCMP_ACT_ALLOW): libseccomp " +
                           libseccomp_version() +
                           " keeps the unconditional rule whatever its action and ignores the conditional rules "
                           "for personality in syscalls[0]";
  EXPECT_EQ(lint(p), std::vector<std::string>{want});
  p.syscalls = {unconditional, conditional};
  ASSERT_EQ(lint(p).size(), 1U);
  EXPECT_NE(lint(p)[0].find("syscalls[0] (personality) makes personality unconditional"), std::string::npos);
}

TEST(Lint, DuplicateAndContradictoryConditions) {
  const Policy p = allow_default({
      Rule{{"ioctl"}, Action::errno_ret, std::nullopt, {Arg{1, 7, 0, Op::eq}, Arg{1, 7, 0, Op::eq}}},
      Rule{{"read"}, Action::errno_ret, std::nullopt, {Arg{0, 5, 0, Op::gt}, Arg{0, 3, 0, Op::lt}}},
      Rule{{"write"}, Action::trap, std::nullopt, {Arg{0, 0, 0, Op::lt}}},
      Rule{{"kill"}, Action::trap, std::nullopt, {Arg{0, 9, 0, Op::eq}}},
      Rule{{"kill"}, Action::errno_ret, std::nullopt, {Arg{0, 9, 0, Op::eq}}},
      Rule{{"mkdir"}, Action::trap, std::nullopt, {Arg{0, 9, 0, Op::ge}}},
      Rule{{"mkdir"}, Action::errno_ret, std::nullopt, {Arg{0, 20, 0, Op::le}}},
  });
  const std::vector<std::string> want{
      "syscalls[0] (ioctl): args[1] repeats args[0]",
      "syscalls[1] (read): args[0] and args[1] contradict each other on argument 0 (never both true); runc adds "
      "them as separate rules, so the rule applies when EITHER holds",
      "syscalls[2] (write): args[0] never holds, so the rule never applies",
      "syscalls[3] (kill) (SCMP_ACT_TRAP) and syscalls[4] (kill) (SCMP_ACT_ERRNO(1)) have the same conditions for "
      "kill with different actions (contradictory; libseccomp refuses or picks one)",
      "syscalls[5] (mkdir) (SCMP_ACT_TRAP) and syscalls[6] (mkdir) (SCMP_ACT_ERRNO(1)) match overlapping "
      "arguments of mkdir; libseccomp's internal tree order decides which applies there (make the conditions "
      "disjoint)",
  };
  EXPECT_EQ(lint(p), want);
}

TEST(Lint, RuntimeDefaultIsClean) { EXPECT_EQ(lint(runtime_default()), std::vector<std::string>{}); }

}  // namespace
}  // namespace nri_seccomp::seccomp
