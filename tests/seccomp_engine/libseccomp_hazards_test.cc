// The table of known-bad libseccomp patterns: version parsing, which rows
// apply to which version, and, for the 64-bit LT/LE row, what this machine's
// libseccomp really does with the pattern (the hang rows are measured in
// compile_test.cc: a hang cannot be a test).
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <seccomp.h>

#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/libseccomp_hazards.h"
#include "support.h"

namespace nri_seccomp::seccomp {
namespace {

using testing::rule;

Policy allow_all(std::vector<Rule> rules) { return testing::x86_64(Action::allow, std::move(rules)); }

LibseccompVersion v(unsigned major, unsigned minor, unsigned micro) { return {major, minor, micro}; }

std::string hazard(const Policy& p, const LibseccompVersion& version) {
  try {
    check_libseccomp_hazards(p, version);
  } catch (const LibseccompHazard& e) {
    return e.what();
  }
  return "(none)";
}

// A hang row's pattern (compile_test.cc: seccomp_rule_add loops forever on 2.5.4).
const Policy kSharedThenHighHalves = allow_all({rule({"kill"}, Action::trap, {Arg{1, 14, 0, Op::gt}, Arg{2, 1, 0, Op::eq}}),
                                                rule({"kill"}, Action::trap, {Arg{1, 14, 0, Op::gt}, Arg{2, 0x100000000ULL, 0, Op::eq}})});
// The 64-bit LT/LE row: same high half, different bounds, different actions.
const Policy kBoundsSharingHighHalf = allow_all({rule({"ioctl"}, Action::errno_ret, {Arg{0, 0x100000010ULL, 0, Op::lt}}, 1),
                                                 rule({"ioctl"}, Action::kill_thread, {Arg{0, 0x100000002ULL, 0, Op::le}})});

TEST(LibseccompHazards, VersionsParseStrictly) {
  EXPECT_EQ(parse_libseccomp_version("2.5.4"), v(2, 5, 4));
  EXPECT_EQ(parse_libseccomp_version("10.20.300"), v(10, 20, 300));
  for (const char* bad : {"", "2", "2.5", "2.5.", ".5.4", "v2.5.4", "2.5.4-1", "2.5.4.1", "2.5.4 ", "+2.5.4", "2.-5.4", "1000.0.0",
                          "2.5.0004"}) {
    EXPECT_FALSE(parse_libseccomp_version(bad)) << bad;
  }
  EXPECT_LT(v(2, 5, 4), v(2, 5, 10));
  EXPECT_LT(v(2, 5, 10), v(2, 6, 0));
  EXPECT_EQ(own_libseccomp_version().text(), libseccomp_version());
}

TEST(LibseccompHazards, HangRowAppliesToItsVersionRangeOnly) {
  EXPECT_EQ(hazard(kSharedThenHighHalves, v(2, 5, 4)),
            "syscalls[0] and syscalls[1] (kill): both have SCMP_CMP_GT on args[1], then SCMP_CMP_EQ and SCMP_CMP_EQ on args[2] "
            "with different high 32 bits; libseccomp 2.5.4 never finishes compiling this combination (known-bad pattern of "
            "libseccomp 2.5.0 to 2.6.0: shared condition, then exact values or ranges with different high halves); refused");
  EXPECT_NE(hazard(kSharedThenHighHalves, v(2, 6, 0)).find("libseccomp 2.6.0 never finishes"), std::string::npos);
  EXPECT_EQ(hazard(kSharedThenHighHalves, v(2, 6, 1)), "(none)");
  EXPECT_EQ(hazard(kSharedThenHighHalves, v(2, 4, 4)), "(none)");
}

TEST(LibseccompHazards, BoundsSharingAHighHalfAreRefusedBefore261) {
  for (auto version : {v(2, 4, 0), v(2, 5, 4), v(2, 6, 0)}) {
    const std::string e = hazard(kBoundsSharingHighHalf, version);
    EXPECT_EQ(e.rfind("syscalls[0] and syscalls[1] (ioctl): SCMP_CMP_LT 0x100000010 and SCMP_CMP_LE 0x100000002 on args[0] "
                      "(same high 32 bits) with different actions; libseccomp " + version.text() + " lets the rule added first decide",
                      0),
              0u)
        << e;
    EXPECT_NE(e.find("GHSA-4q85-33p6-j5g6"), std::string::npos) << e;
  }
  EXPECT_EQ(hazard(kBoundsSharingHighHalf, v(2, 6, 1)), "(none)");
  EXPECT_EQ(hazard(kBoundsSharingHighHalf, v(2, 3, 3)), "(none)");
  // Not the pattern: the same action, other high halves, or other earlier conditions.
  Policy same_action = kBoundsSharingHighHalf;
  same_action.syscalls[1] = rule({"ioctl"}, Action::errno_ret, {Arg{0, 0x100000002ULL, 0, Op::le}}, 1);
  EXPECT_EQ(hazard(same_action, v(2, 5, 4)), "(none)");
  Policy other_high = kBoundsSharingHighHalf;
  other_high.syscalls[1].args[0].value = 0x200000002ULL;
  EXPECT_EQ(hazard(other_high, v(2, 5, 4)), "(none)");
  Policy other_prefix = allow_all({rule({"ioctl"}, Action::errno_ret, {Arg{0, 3, 0, Op::eq}, Arg{1, 0x100000010ULL, 0, Op::lt}}, 1),
                                   rule({"ioctl"}, Action::kill_thread, {Arg{0, 4, 0, Op::eq}, Arg{1, 0x100000002ULL, 0, Op::lt}})});
  EXPECT_EQ(hazard(other_prefix, v(2, 5, 4)), "(none)");
}

// Which action the native filter libseccomp builds from the two rules of
// kBoundsSharingHighHalf, added in `order`, gives ioctl(a0) (the plugin's
// compile refuses the pattern, so libseccomp is called directly, as runc does).
uint32_t raw_answer(bool larger_bound_first, uint64_t a0) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  EXPECT_NE(ctx, nullptr);
  auto add_errno = [&] { return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(ioctl), 1, SCMP_A0(SCMP_CMP_LT, 0x100000010ULL)); };
  auto add_kill = [&] { return seccomp_rule_add(ctx, SCMP_ACT_KILL, SCMP_SYS(ioctl), 1, SCMP_A0(SCMP_CMP_LE, 0x100000002ULL)); };
  EXPECT_EQ(larger_bound_first ? add_errno() : add_kill(), 0);
  EXPECT_EQ(larger_bound_first ? add_kill() : add_errno(), 0);
  const int fd = memfd_create("hazard-test", 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(seccomp_export_bpf(ctx, fd), 0);
  seccomp_release(ctx);
  std::vector<uint8_t> bytes(static_cast<size_t>(lseek(fd, 0, SEEK_END)));
  EXPECT_EQ(pread(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  close(fd);
  const ArchInfo arch = arch_info(native_arch());
  SeccompData data;
  data.nr = *syscall_number(arch, "ioctl");
  data.arch = arch.audit_arch;
  data.args[0] = a0;
  return evaluate(decode_bpf(bytes), data, arch.big_endian);
}

TEST(LibseccompHazards, BoundsSharingAHighHalfReallyDependOnRuleOrderHere) {
  const auto own = own_libseccomp_version();
  if (own < v(2, 4, 0) || v(2, 6, 0) < own) GTEST_SKIP() << "the row does not cover libseccomp " << own.text();
  constexpr uint32_t kErrno1 = SCMP_ACT_ERRNO(1), kKill = SCMP_ACT_KILL;
  // Below both bounds: the rule added first decides (2.6.1 lets the tighter bound's, KILL, decide in both orders).
  EXPECT_EQ(raw_answer(true, 5), kErrno1);
  EXPECT_EQ(raw_answer(false, 5), kKill);
  // Between the bounds only the larger one holds, in either order.
  EXPECT_EQ(raw_answer(true, 0x100000005ULL), kErrno1);
  EXPECT_EQ(raw_answer(false, 0x100000005ULL), kErrno1);
  // And the plugin's own compile refuses the pattern before libseccomp sees it.
  EXPECT_NE(testing::compile_error(kBoundsSharingHighHalf).find("known-bad pattern of libseccomp 2.4.0 to 2.6.0"), std::string::npos);
}

TEST(LibseccompHazards, PluginsOwnRowsApplyWhateverTheRuntimeDeclares) {
  // The plugin compiles every filter itself: its own version's patterns would
  // hang that compile, so they are refused even for a runtime that has none.
  const auto own = own_libseccomp_version();
  if (own < v(2, 5, 0) || v(2, 6, 0) < own) GTEST_SKIP() << "no hang row covers libseccomp " << own.text();
  CompileOptions o;
  o.runtime_libseccomp = v(2, 6, 1);
  EXPECT_NE(testing::compile_error(kSharedThenHighHalves, o).find("libseccomp " + own.text() + " never finishes"), std::string::npos)
      << testing::compile_error(kSharedThenHighHalves, o);
  EXPECT_EQ(testing::compile_error(allow_all({rule({"mkdir"}, Action::errno_ret, {})}), o), "(no error)");
}

}  // namespace
}  // namespace nri_seccomp::seccomp
