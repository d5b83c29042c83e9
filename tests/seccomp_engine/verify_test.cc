// verify_compiled: the compiled filter must decide what the policy says. The
// setsockopt case from issue 12 is libseccomp 2.5.4's own miscompile, shown
// raw, refused by the check, and avoided by the merge's one-rule answer.
#include <gtest/gtest.h>

#include "common/error.h"
#include "seccomp/compile.h"
#include "seccomp/merge.h"
#include "seccomp/runtime_default.h"
#include "seccomp/verify.h"
#include "support.h"

namespace nri_seccomp::seccomp {
namespace {

using testing::Filter;

constexpr uint64_t kSoSndbuf = 131072;  // the issue's arg1 value, as written

Policy allow_default(std::vector<Rule> rules, std::vector<std::string> arches = {"SCMP_ARCH_X86_64"}) {
  Policy p;
  p.default_action = Action::allow;
  p.architectures = std::move(arches);
  p.syscalls = std::move(rules);
  return p;
}

// The three KILL rules `profile merge` used to print for the issue's A and B.
Policy covering_kill_rules() {
  return allow_default({
      Rule{{"setsockopt"}, Action::kill_thread, std::nullopt, {Arg{0, 5, 0, Op::ne}}},
      Rule{{"setsockopt"}, Action::kill_thread, std::nullopt, {Arg{0, 5, 0, Op::eq}, Arg{1, kSoSndbuf, 0, Op::eq}}},
      Rule{{"setsockopt"}, Action::kill_thread, std::nullopt, {Arg{1, kSoSndbuf, 0, Op::ne}}},
  });
}

TEST(Verify, LibseccompMiscompilesCoveringRulesAndTheCheckRefusesThem) {
  CompileOptions raw;
  raw.verify = false;
  const Filter unverified(covering_kill_rules(), raw);
  // libseccomp 2.5.4's output allows what every rule kills.
  EXPECT_EQ(unverified.answer("SCMP_ARCH_X86_64", "setsockopt", {5, kSoSndbuf}), kRetAllow);
  EXPECT_EQ(testing::compile_error(covering_kill_rules()),
            "verification failed on SCMP_ARCH_X86_64: setsockopt (nr 54) with args [0x5, 0x20000, 0x0, 0x0, 0x0, "
            "0x0]: the compiled filter answers ALLOW, the policy says KILL_THREAD (syscalls[1]); libseccomp " +
                libseccomp_version() +
                " compiled these rules into a filter that decides otherwise, so it is not handed out");
}

TEST(Verify, IssueTwelveMergeIsOneUnconditionalKillRule) {
  const Policy a = allow_default({Rule{{"setsockopt"}, Action::kill_thread, std::nullopt, {}}}, {});
  const Policy b = allow_default(
      {Rule{{"setsockopt"}, Action::errno_ret, 38, {Arg{1, kSoSndbuf, 0, Op::eq}, Arg{0, 5, 0, Op::eq}}}}, {});
  const std::vector<Policy> overlays{b};
  const Policy merged = merge(&a, overlays);
  ASSERT_EQ(merged.syscalls.size(), 1U);
  EXPECT_EQ(merged.syscalls[0], (Rule{{"setsockopt"}, Action::kill_thread, std::nullopt, {}}));
  const Filter f(merged);
  EXPECT_GT(f.compiled().verified_inputs, 0U);
  for (const char* arch : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X32"}) {
    EXPECT_EQ(f.answer(arch, "setsockopt", {5, kSoSndbuf}), kRetKillThread) << arch;
    EXPECT_EQ(f.answer(arch, "setsockopt", {4, 1}), kRetKillThread) << arch;
  }
}

TEST(Verify, CollapseAlsoWhenCellsOfTheDefaultAreEmpty) {
  // B's ERRNO region lies inside A's conditional KILL: every value of ioctl
  // is KILL in the result even though A alone is conditional.
  const Policy a = allow_default({Rule{{"ioctl"}, Action::kill_thread, std::nullopt, {Arg{0, 5, 0, Op::ne}}},
                                  Rule{{"ioctl"}, Action::kill_thread, std::nullopt, {Arg{0, 5, 0, Op::eq}}}});
  const std::vector<Policy> overlays{allow_default({})};
  const Policy merged = merge(&a, overlays);
  ASSERT_EQ(merged.syscalls.size(), 1U);
  EXPECT_TRUE(merged.syscalls[0].args.empty());
}

TEST(Verify, RuntimeDefaultAndSeedsVerifyOnEveryArchitecture) {
  CompileOptions ignore = Filter::ignore_unknown();
  const auto def = check_and_compile(runtime_default(), ignore);
  EXPECT_EQ(def.programs.size(), 3U);
  EXPECT_GT(def.verified_inputs, 3U * 300U);  // every known number of x86_64, x86 and x32, and more
  for (const char* seed : {"block-mkdir.json", "block-mkdir-kill.json"}) {
    EXPECT_GT(check_and_compile(testing::load_seed(seed), {}).verified_inputs, 0U) << seed;
  }
  ignore.verify = false;
  EXPECT_EQ(check_and_compile(runtime_default(), ignore).verified_inputs, 0U);
}

TEST(Verify, ThirtyTwoBitArchitecturesAndMultiplexers) {
  // x86 routes socket-family rules through socketcall (arg 0 = sub-call):
  // accepted as the rules' verdicts, not flagged.
  Policy p = allow_default({Rule{{"socket"}, Action::errno_ret, 97, {}},
                            Rule{{"personality"}, Action::trap, std::nullopt, {Arg{0, 0xffffffff, 0, Op::eq}}},
                            Rule{{"ioctl"}, Action::errno_ret, std::nullopt, {Arg{1, 0x5401, 0, Op::ge}}}},
                           {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"});
  const Filter f(p);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86", "personality", {0xffffffffffffffffULL}), kRetTrap);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {0xffffffffffffffffULL}), kRetAllow);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {0xffffffff}), kRetTrap);
}

TEST(Verify, OverlappingRulesOfDifferentActionsAcceptEitherVerdict) {
  // Ambiguous by the engine's reading (the merge refuses it); a profile may
  // still say it, and the check must not call libseccomp's choice wrong.
  const Policy p = allow_default({Rule{{"ioctl"}, Action::errno_ret, std::nullopt, {Arg{0, 10, 0, Op::ge}}},
                                  Rule{{"ioctl"}, Action::trap, std::nullopt, {Arg{0, 20, 0, Op::le}}}});
  EXPECT_EQ(testing::compile_error(p), "(no error)");
}

TEST(Verify, ReportsTheVersionItCompilesWith) {
  const std::string v = libseccomp_version();
  EXPECT_EQ(std::count(v.begin(), v.end(), '.'), 2) << v;
  EXPECT_EQ(v, "2.5.4");  // Debian bookworm's; the facts this engine relies on were measured there
}

}  // namespace
}  // namespace nri_seccomp::seccomp
