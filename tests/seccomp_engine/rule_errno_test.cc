// without_rule_errno: what a runtime whose NRI crashes on errno_ret can be
// sent, checked on the policy and on the filter libseccomp compiles from it.
#include <gtest/gtest.h>

#include "common/error.h"
#include "seccomp/rule_errno.h"
#include "seccomp/runtime_default.h"
#include "support.h"

#include <seccomp.h>

namespace nri_seccomp::seccomp {
namespace {

Rule rule(std::string name, Action action, std::optional<uint32_t> data = std::nullopt) {
  return Rule{{std::move(name)}, action, data, {}};
}

std::string refusal(const Policy& p) {
  try {
    without_rule_errno(p, ErrnoFallback::refuse);
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(WithoutRuleErrno, EpermEverywhereIsExactAndCarriesNoErrno) {
  Policy p;
  p.default_action = Action::errno_ret;
  p.default_errno = 1;
  p.syscalls = {rule("mkdir", Action::errno_ret, 1), rule("rmdir", Action::errno_ret), rule("read", Action::allow),
                rule("ptrace", Action::trace, 1)};
  auto out = without_rule_errno(p, ErrnoFallback::refuse);
  EXPECT_FALSE(out.policy.default_errno);
  for (const auto& r : out.policy.syscalls) EXPECT_FALSE(r.errno_ret) << r.names[0];
  EXPECT_TRUE(out.changed.empty());
  // The compiled filter answers exactly as the original does.
  p.architectures = out.policy.architectures = {"SCMP_ARCH_X86_64"};
  testing::Filter before(p), after(out.policy);
  for (const char* name : {"mkdir", "rmdir", "read", "ptrace", "getpid"}) EXPECT_EQ(before.answer("SCMP_ARCH_X86_64", name, {}), after.answer("SCMP_ARCH_X86_64", name, {})) << name;
}

TEST(WithoutRuleErrno, OtherErrnosAreRefusedNamingEachRuleThenCounted) {
  Policy p;
  p.default_action = Action::errno_ret;
  p.default_errno = 38;
  p.syscalls = {rule("clone3", Action::errno_ret, 38), rule("a", Action::errno_ret, 22), rule("b", Action::errno_ret, 13),
                rule("c", Action::errno_ret, 5), rule("d", Action::trace, 7)};
  EXPECT_EQ(refusal(p), "errno 38 (ENOSYS) for the default action; errno 38 (ENOSYS) for clone3; errno 22 (EINVAL) for a; "
                        "errno 13 (EACCES) for b; and 2 more");
}

TEST(WithoutRuleErrno, ApproximationTurnsEnosysIntoTraceAndTheRestIntoEperm) {
  Policy p = runtime_default();  // containerd's: clone3 ERRNO(ENOSYS)
  p.syscalls.push_back(rule("add_key", Action::errno_ret, 22));
  auto out = without_rule_errno(p, ErrnoFallback::approximate);
  EXPECT_EQ(out.changed, (std::vector<std::string>{"ERRNO(errno 38 (ENOSYS)) -> TRACE for clone3",
                                                   "ERRNO(errno 22 (EINVAL)) -> ERRNO(EPERM) for add_key"}));
  testing::Filter filter(out.policy);
  EXPECT_EQ(filter.answer("SCMP_ARCH_X86_64", "clone3", {}), SCMP_ACT_TRACE(1));   // ENOSYS from the kernel while nothing traces
  EXPECT_EQ(filter.answer("SCMP_ARCH_X86_64", "add_key", {}), SCMP_ACT_ERRNO(1));
  EXPECT_EQ(filter.answer("SCMP_ARCH_X86_64", "reboot", {}), SCMP_ACT_ERRNO(1));
}

}  // namespace
}  // namespace nri_seccomp::seccomp
