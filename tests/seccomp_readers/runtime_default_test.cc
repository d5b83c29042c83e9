#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

// Names allowed with no argument condition.
std::set<std::string> unconditional(const Policy& p) {
  std::set<std::string> out;
  for (const auto& rule : p.syscalls) {
    if (rule.action == Action::allow && rule.args.empty()) out.insert(rule.names.begin(), rule.names.end());
  }
  return out;
}

std::vector<const Rule*> rules_for(const Policy& p, const std::string& name) {
  std::vector<const Rule*> out;
  for (const auto& rule : p.syscalls) {
    if (std::find(rule.names.begin(), rule.names.end(), name) != rule.names.end()) out.push_back(&rule);
  }
  return out;
}

ResolveContext with_cap(const std::string& cap) {
  ResolveContext ctx = default_container_context();
  ctx.caps.push_back(cap);
  return ctx;
}

TEST(RuntimeDefault, EmbeddedSourceIsTheConfigFile) {
  EXPECT_EQ(runtime_default_source(),
            test::slurp(std::string(NRI_SECCOMP_CONFIG_DIR) + "/runtime-default.json"));
}

TEST(RuntimeDefault, DefaultContextShape) {
  Policy p = runtime_default();
  EXPECT_EQ(p.default_action, Action::errno_ret);
  EXPECT_EQ(p.default_errno, 1u);
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  auto allowed = unconditional(p);
  // containerd's list (346) + arch_prctl, modify_ldt (amd64) + ptrace (kernel
  // unknown) + chroot (CAP_SYS_CHROOT is a default cap).
  EXPECT_EQ(allowed.size(), 350u);
  for (const char* name : {"read", "write", "execve", "openat", "socket", "arch_prctl", "chroot", "ptrace"}) {
    EXPECT_TRUE(allowed.count(name)) << name;
  }
  for (const char* name : {"mount", "umount2", "unshare", "setns", "bpf", "reboot", "kexec_load",
                           "init_module", "open_by_handle_at", "clone", "clone3", "personality"}) {
    EXPECT_FALSE(allowed.count(name)) << name;
  }
}

TEST(RuntimeDefault, CloneIsGatedWithoutSysAdmin) {
  Policy p = runtime_default();
  auto clone = rules_for(p, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0]->args, (std::vector<Arg>{{0, 0x7E020000, 0, Op::masked_eq}}));
  auto clone3 = rules_for(p, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0]->action, Action::errno_ret);
  EXPECT_EQ(clone3[0]->errno_ret, 38u);  // ENOSYS, so libc falls back to clone
}

TEST(RuntimeDefault, SysAdminUnlocksMountAndUngatedClone) {
  Policy p = runtime_default(with_cap("CAP_SYS_ADMIN"));
  auto allowed = unconditional(p);
  for (const char* name : {"mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf"}) {
    EXPECT_TRUE(allowed.count(name)) << name;
  }
  for (const auto* rule : rules_for(p, "clone")) EXPECT_TRUE(rule->args.empty());
  EXPECT_TRUE(rules_for(p, "clone3").size() == 1 && rules_for(p, "clone3")[0]->action == Action::allow);
}

TEST(RuntimeDefault, OtherCapsAndContexts) {
  EXPECT_TRUE(unconditional(runtime_default(with_cap("CAP_SYS_PTRACE"))).count("process_vm_readv"));
  EXPECT_FALSE(unconditional(runtime_default()).count("process_vm_readv"));
  ResolveContext old_kernel = default_container_context();
  old_kernel.kernel = {4, 4};
  EXPECT_FALSE(unconditional(runtime_default(old_kernel)).count("ptrace"));
  ResolveContext no_chroot;  // no caps at all
  EXPECT_FALSE(unconditional(runtime_default(no_chroot)).count("chroot"));
}

TEST(RuntimeDefault, Arm64AndS390) {
  ResolveContext arm = default_container_context();
  arm.arch = "SCMP_ARCH_AARCH64";
  Policy a = runtime_default(arm);
  EXPECT_EQ(a.architectures, (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_TRUE(unconditional(a).count("set_tls"));
  EXPECT_FALSE(unconditional(a).count("arch_prctl"));
  ResolveContext s390 = default_container_context();
  s390.arch = "SCMP_ARCH_S390X";
  Policy s = runtime_default(s390);
  auto clone = rules_for(s, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0]->args[0].index, 1u);  // s390 passes clone flags second
}

TEST(RuntimeDefault, PersonalityOnlySafeValues) {
  std::set<uint64_t> values;
  for (const auto* rule : rules_for(runtime_default(), "personality")) {
    ASSERT_EQ(rule->args.size(), 1u);
    EXPECT_EQ(rule->args[0].op, Op::eq);
    values.insert(rule->args[0].value);
  }
  EXPECT_EQ(values, (std::set<uint64_t>{0x0, 0x8, 0x20000, 0x20008, 0xffffffff}));
}

}  // namespace
}  // namespace nri_seccomp::seccomp

namespace nri_seccomp::seccomp {
namespace {

TEST(RuntimeDefault, MemoisedResultsMatchAndCapOrderDoesNotMatter) {
  ResolveContext a = default_container_context();
  a.caps.push_back("CAP_SYS_ADMIN");
  ResolveContext b = a;
  std::reverse(b.caps.begin(), b.caps.end());
  Policy first = runtime_default(a);
  EXPECT_EQ(runtime_default(a), first);
  EXPECT_EQ(runtime_default(b), first);
  EXPECT_NE(runtime_default(), first);  // a different context is not served from a's entry
}

// CRI-O's RuntimeDefault: containers/common's profile as CRI-O adjusts it
// (clone, clone3 and unshare gated on CAP_SYS_ADMIN), for CRI-O's smaller
// default capability set.
TEST(CrioRuntimeDefault, EmbeddedSourceIsTheConfigFile) {
  EXPECT_EQ(runtime_default_source(RuntimeDefault::cri_o),
            test::slurp(std::string(NRI_SECCOMP_CONFIG_DIR) + "/runtime-default-crio.json"));
}

TEST(CrioRuntimeDefault, EnosysDefaultAndItsOwnEpermList) {
  Policy p = runtime_default(default_container_context(RuntimeDefault::cri_o), RuntimeDefault::cri_o);
  EXPECT_EQ(p.default_action, Action::errno_ret);
  EXPECT_EQ(p.default_errno, 38u);
  auto allowed = unconditional(p);
  for (const char* name : {"read", "execve", "reboot", "mount", "ptrace", "keyctl"}) EXPECT_TRUE(allowed.count(name)) << name;
  for (const char* name : {"clone", "clone3", "unshare", "chroot", "socket", "add_key"}) EXPECT_FALSE(allowed.count(name)) << name;
  auto chroot = rules_for(p, "chroot");  // CAP_SYS_CHROOT is not a CRI-O default
  ASSERT_EQ(chroot.size(), 1u);
  EXPECT_EQ(chroot[0]->action, Action::errno_ret);
  EXPECT_EQ(chroot[0]->errno_ret, 1u);
  auto clone3 = rules_for(p, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0]->errno_ret, 38u);
  // clone: allowed without namespace flags, EPERM with any of the seven.
  auto clone = rules_for(p, "clone");
  EXPECT_EQ(clone.size(), 8u);
  EXPECT_EQ(std::count_if(clone.begin(), clone.end(), [](const Rule* r) { return r->action == Action::errno_ret; }), 7);
}

TEST(CrioRuntimeDefault, CapabilitiesChangeItLikeCrioDoes) {
  ResolveContext ctx = default_container_context(RuntimeDefault::cri_o);
  ctx.caps.push_back("CAP_SYS_ADMIN");
  ctx.caps.push_back("CAP_AUDIT_WRITE");
  Policy p = runtime_default(ctx, RuntimeDefault::cri_o);
  auto allowed = unconditional(p);
  for (const char* name : {"clone", "clone3", "unshare", "bpf"}) EXPECT_TRUE(allowed.count(name)) << name;
  for (const auto* rule : rules_for(p, "socket")) EXPECT_NE(rule->errno_ret, 22u);  // netlink audit allowed
}

}  // namespace
}  // namespace nri_seccomp::seccomp
