// check_and_compile: real libseccomp, exact error messages, runc's reading of
// same-index conditions, the cache.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <thread>

#include <seccomp.h>

#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/runtime_default.h"
#include "support.h"

namespace nri_seccomp::seccomp {
namespace {

using testing::Args;
using testing::Filter;
using testing::rule;
using testing::x86_64;

TEST(Compile, SeedsCompileAndAnswerAsWritten) {
  const Filter kill(testing::load_seed("block-mkdir-kill.json"));
  ASSERT_EQ(kill.compiled().programs.size(), 1U);
  EXPECT_GT(kill.compiled().programs[0].instructions, 4U);
  EXPECT_EQ(kill.answer("SCMP_ARCH_X86_64", "mkdir", {}), kRetKillThread);
  EXPECT_EQ(kill.answer("SCMP_ARCH_X86_64", "mkdirat", {}), kRetKillThread);
  EXPECT_EQ(kill.answer("SCMP_ARCH_X86_64", "getpid", {}), kRetAllow);
  EXPECT_EQ(kill.answer("SCMP_ARCH_X86", "getpid", {}), kRetKillThread);  // not in the filter

  const Filter errno_seed(testing::load_seed("block-mkdir.json"));  // no architectures: native + subs
  EXPECT_EQ(errno_seed.compiled().programs.size(), 3U);
  for (const char* arch : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}) {
    EXPECT_EQ(errno_seed.answer(arch, "mkdirat", {}), kRetErrno | 1) << arch;
    EXPECT_EQ(errno_seed.answer(arch, "mkdir", {}), kRetErrno | 1) << arch;
    EXPECT_EQ(errno_seed.answer(arch, "rmdir", {}), kRetAllow) << arch;
  }
}

TEST(Compile, RuntimeDefaultFitsAndAllowsTheUsual) {
  const Policy def = runtime_default();
  const Filter f(def);
  EXPECT_LE(f.compiled().total_instructions, kMaxFilterInstructions);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "read", {}), kRetAllow);
  EXPECT_EQ(ret_action(f.answer("SCMP_ARCH_X86_64", "kexec_load", {})), kRetErrno);
  for (const auto& p : f.compiled().programs) EXPECT_GT(p.instructions, 100U) << p.arch;
}

TEST(Compile, SameIndexConditionsAreOrLikeRunc) {
  // Two conditions on arg 0 plus one on arg 1: runc adds (a0==1), (a0==2), (a1==7).
  const Policy p = x86_64(Action::allow, {rule({"personality"}, Action::errno_ret,
                                               {Arg{0, 1, 0, Op::eq}, Arg{0, 2, 0, Op::eq}, Arg{1, 7, 0, Op::eq}})});
  const Filter f(p);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {1, 0}), kRetErrno | 1);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {2, 0}), kRetErrno | 1);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {3, 7}), kRetErrno | 1);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "personality", {3, 0}), kRetAllow);
  const auto sets = runc_condition_sets(p.syscalls[0]);
  ASSERT_EQ(sets.size(), 3U);
}

TEST(Compile, RulesEqualToTheDefaultAreSkipped) {
  const Policy p = x86_64(Action::errno_ret, {rule({"read"}, Action::errno_ret),
                                              rule({"write"}, Action::errno_ret, {}, 38)});
  const Filter f(p);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "read", {}), kRetErrno | 1);
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "write", {}), kRetErrno | 38);
}

TEST(Compile, ExactErrors) {
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"mkdir"}, Action::errno_ret, {}, 5000)})),
            "syscalls[0] (mkdir): errno 5000 is out of range (0..4095)");
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"mkdir"}, Action::errno_ret, {Arg{6, 1, 0, Op::eq}})})),
            "syscalls[0] (mkdir): args[0]: index 6 is out of range (0..5)");
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"mkdir"}, Action::errno_ret, {Arg{0, 1, 2, Op::eq}})})),
            "syscalls[0] (mkdir): args[0]: valueTwo is only meaningful with SCMP_CMP_MASKED_EQ, not SCMP_CMP_EQ");
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"read"}, Action::kill_thread), rule({"nosuchcall"}, Action::trap)})),
            "syscalls[1] (nosuchcall): syscall \"nosuchcall\" does not exist on SCMP_ARCH_X86_64");
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"socketcall"}, Action::trap)})),
            "syscalls[0] (socketcall): syscall \"socketcall\" does not exist on SCMP_ARCH_X86_64");
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"mkdir"}, Action::notify)})),
            "syscalls[0] (mkdir): SCMP_ACT_NOTIFY is not supported (no seccomp agent)");
  Policy listener = x86_64(Action::allow, {});
  listener.listener_path = "/run/agent.sock";
  EXPECT_EQ(testing::compile_error(listener), "listenerPath \"/run/agent.sock\": seccomp notify listeners are not supported");
  Policy flags = x86_64(Action::allow, {});
  flags.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
  EXPECT_EQ(testing::compile_error(flags), "flags: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
  Policy wide = x86_64(Action::allow, {rule({"ioctl"}, Action::errno_ret, {Arg{1, 0x100000000ULL, 0, Op::eq}})});
  wide.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  EXPECT_EQ(testing::compile_error(wide),
            "syscalls[0] (ioctl): args[0]: value 0x100000000/valueTwo 0x0 does not fit 32-bit architecture SCMP_ARCH_X86");
  Policy arch = x86_64(Action::allow, {});
  arch.architectures = {"SCMP_ARCH_VAX"};
  EXPECT_EQ(testing::compile_error(arch).rfind("unknown architecture \"SCMP_ARCH_VAX\" (known: ", 0), 0U);
  // libseccomp's own refusal, by rule: the same condition with two actions.
  EXPECT_EQ(testing::compile_error(x86_64(Action::allow, {rule({"ioctl"}, Action::errno_ret, {Arg{0, 1, 0, Op::eq}}),
                                            rule({"ioctl"}, Action::kill_thread, {Arg{0, 1, 0, Op::eq}})})),
            "syscalls[1] (ioctl): syscall \"ioctl\" on SCMP_ARCH_X86_64: libseccomp refused the rule: File exists");
}

TEST(Compile, RefusesWhatLibseccompNeverFinishesCompiling) {
  // Found by experiment: seccomp_rule_add loops forever on the second rule.
  const Policy p = x86_64(Action::kill_thread,
                          {rule({"ioctl"}, Action::trap, {Arg{0, 2, 0, Op::le}, Arg{1, 5, 0, Op::lt}}),
                           rule({"ioctl"}, Action::trap, {Arg{0, 2, 0, Op::le}, Arg{1, 0xff00, 0xa100, Op::masked_eq}})});
  EXPECT_EQ(testing::compile_error(p),
            "syscalls[0] and syscalls[1] (ioctl): both have SCMP_CMP_LE on args[0], then SCMP_CMP_LT and "
            "SCMP_CMP_MASKED_EQ on args[1]; libseccomp 2.5.4 never finishes compiling this combination "
            "(known-bad pattern of libseccomp 2.5.0 to 2.6.0: shared condition, then a range and an exact value); refused");
}

TEST(Compile, RefusesSharedRangeThenExactValuesWithDifferentHighHalves) {
  // Found by the differential test (issue 12): a hang in seccomp_rule_add.
  const Policy p = x86_64(Action::allow,
                          {rule({"kill"}, Action::trap, {Arg{1, 14, 0, Op::gt}, Arg{2, 1, 0, Op::eq}}),
                           rule({"kill"}, Action::trap, {Arg{1, 14, 0, Op::gt}, Arg{2, 0x100000000ULL, 0, Op::eq}})});
  EXPECT_EQ(testing::compile_error(p),
            "syscalls[0] and syscalls[1] (kill): both have SCMP_CMP_GT on args[1], then SCMP_CMP_EQ and "
            "SCMP_CMP_EQ on args[2] with different high 32 bits; libseccomp 2.5.4 never finishes compiling "
            "this combination (known-bad pattern of libseccomp 2.5.0 to 2.6.0: shared condition, then exact values "
            "or ranges with different high halves); refused");
  const Policy ranges = x86_64(Action::allow,
                               {rule({"kill"}, Action::trap, {Arg{1, 5, 0, Op::ne}, Arg{2, 0x100000001ULL, 0, Op::ge}}),
                                rule({"kill"}, Action::trap, {Arg{1, 5, 0, Op::ne}, Arg{2, 0, 0, Op::le}})});
  EXPECT_NE(testing::compile_error(ranges).find("never finishes compiling"), std::string::npos) << testing::compile_error(ranges);
}

TEST(Compile, UnknownSyscallsCanBeIgnoredWithWarnings) {
  CompileOptions o;
  o.unknown_syscalls = UnknownSyscalls::ignore;
  const Filter f(x86_64(Action::allow, {rule({"nosuchcall", "mkdir"}, Action::errno_ret)}), o);
  ASSERT_EQ(f.compiled().warnings.size(), 1U);
  EXPECT_EQ(f.compiled().warnings[0],
            "syscalls[0] (nosuchcall,mkdir): syscall \"nosuchcall\" does not exist on SCMP_ARCH_X86_64, skipped");
  EXPECT_EQ(f.answer("SCMP_ARCH_X86_64", "mkdir", {}), kRetErrno | 1);
}

TEST(Compile, RefusesFiltersOverTheKernelLimit) {
  Policy p = x86_64(Action::errno_ret, {});
  for (uint64_t i = 0; i < 1200; ++i) {
    p.syscalls.push_back(rule({"ioctl"}, Action::allow, {Arg{1, i, 0, Op::eq}, Arg{2, i * 3, 0, Op::masked_eq}}));
  }
  const std::string e = testing::compile_error(p);
  EXPECT_EQ(e.rfind("the filter needs ", 0), 0U) << e;
  EXPECT_NE(e.find("BPF instructions (kernel limit 4096): SCMP_ARCH_X86_64="), std::string::npos) << e;
}

TEST(Compile, PerArchSumBoundsTheCombinedFilter) {
  // The runtime compiles one multi-arch filter; our limit check uses the sum of
  // per-arch programs, which must not be smaller than that filter.
  const Policy def = runtime_default();
  CompileOptions all;
  all.unknown_syscalls = UnknownSyscalls::ignore;
  const auto separate = check_and_compile(def, all);
  scmp_filter_ctx ctx = seccomp_init(ret_value(def.default_action, action_data(def.default_action, def.default_errno)));
  for (const auto& a : target_architectures(def, all)) {
    if (arch_info(a).token != seccomp_arch_native()) ASSERT_EQ(seccomp_arch_add(ctx, arch_info(a).token), 0);
  }
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (const auto& r : def.syscalls) {
    if (rule_matches_default(def, r)) continue;
    for (const auto& name : r.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;
      for (const auto& set : runc_condition_sets(r)) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& a : set) {
          cmps.push_back({a.index, static_cast<scmp_compare>(static_cast<int>(a.op) + 1), a.value, a.value_two});
        }
        seccomp_rule_add_array(ctx, ret_value(r.action, action_data(r.action, r.errno_ret)), nr,
                               static_cast<unsigned>(cmps.size()), cmps.data());
      }
    }
  }
  const int fd = memfd_create("test", MFD_CLOEXEC);
  ASSERT_EQ(seccomp_export_bpf(ctx, fd), 0);
  const size_t combined = static_cast<size_t>(lseek(fd, 0, SEEK_END)) / 8;
  close(fd);
  seccomp_release(ctx);
  EXPECT_GT(combined, 0U);
  EXPECT_GE(separate.total_instructions, combined);
}

TEST(Compile, CacheHitsMissesAndThreads) {
  CompileCache cache;
  const Policy a = testing::load_seed("block-mkdir.json");
  const Policy b = testing::load_seed("block-mkdir-kill.json");
  auto first = cache.get_or_compile(a, {});
  auto again = cache.get_or_compile(a, {});
  EXPECT_EQ(first.get(), again.get());
  CompileOptions narrow;
  narrow.architectures = {"SCMP_ARCH_X86_64"};
  auto other_options = cache.get_or_compile(a, narrow);
  EXPECT_NE(first.get(), other_options.get());
  EXPECT_NE(first->key, other_options->key);
  EXPECT_EQ(first->key.rfind("sha256:", 0), 0U);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) cache.get_or_compile(i % 2 ? a : b, {});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_EQ(cache.hits() + cache.misses(), 83U);
  EXPECT_GE(cache.misses(), 3U);
}

}  // namespace
}  // namespace nri_seccomp::seccomp
