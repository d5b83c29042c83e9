#include <gtest/gtest.h>

#include "seccomp/reader.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

using test::read_error;

Policy read_moby_file(ResolveContext context) {
  ReadOptions options;
  options.context = std::move(context);
  return read_profile_file(test::data_path("moby-conditional.json"), options);
}

std::vector<std::vector<std::string>> rule_names(const Policy& p) {
  std::vector<std::vector<std::string>> out;
  for (const auto& rule : p.syscalls) out.push_back(rule.names);
  return out;
}

TEST(MobyReader, AutoDetectedFromMobyKeys) {
  std::string text = test::slurp(test::data_path("moby-conditional.json"));
  EXPECT_EQ(detect_format(text), Format::moby_json);
  EXPECT_EQ(detect_format(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG", "comment": "c"}]})"),
            Format::moby_json);
  EXPECT_EQ(detect_format(R"({"defaultAction": "SCMP_ACT_ALLOW"})"), Format::oci_json);
}

TEST(MobyReader, X86WithoutCapsUnknownKernel) {
  Policy p = read_moby_file({"SCMP_ARCH_X86_64", {}, {}});
  EXPECT_EQ(p.default_action, Action::errno_ret);
  EXPECT_EQ(p.default_errno, 38u);  // defaultErrno: ENOSYS
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  EXPECT_EQ(rule_names(p), (std::vector<std::vector<std::string>>{
                               {"read", "write"}, {"clone"}, {"arch_prctl"}, {"ptrace"}, {"kcmp"}}));
  EXPECT_EQ(p.syscalls[1].args, (std::vector<Arg>{{0, 2114060288, 0, Op::masked_eq}}));
  EXPECT_EQ(p.syscalls[4].action, Action::errno_ret);
  EXPECT_EQ(p.syscalls[4].errno_ret, 13u);  // errno EACCES agrees with errnoRet 13
}

TEST(MobyReader, X86WithSysAdminOldKernel) {
  Policy p = read_moby_file({"SCMP_ARCH_X86_64", {"CAP_SYS_ADMIN"}, {4, 4}});
  // mount needs only SYS_ADMIN; unshare needs NET_ADMIN too; clone is excluded
  // with SYS_ADMIN; ptrace needs kernel 4.8.
  EXPECT_EQ(rule_names(p), (std::vector<std::vector<std::string>>{
                               {"read", "write"}, {"mount"}, {"arch_prctl"}, {"kcmp"}}));
}

TEST(MobyReader, Arm64WithCapsSpelledLooselyNewKernel) {
  Policy p = read_moby_file({"SCMP_ARCH_AARCH64", {"sys_admin", "CAP_NET_ADMIN"}, {5, 10}});
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_EQ(rule_names(p), (std::vector<std::vector<std::string>>{
                               {"read", "write"}, {"mount"}, {"unshare"}, {"set_tls"}, {"ptrace"}}));
}

TEST(MobyReader, ArchWithoutArchMapEntryGetsNoArchitectures) {
  Policy p = read_moby_file({"SCMP_ARCH_S390X", {}, {}});
  EXPECT_TRUE(p.architectures.empty());
}

TEST(MobyReader, ExactKernelBoundaryCounts) {
  Policy p = read_moby_file({"SCMP_ARCH_X86_64", {}, {4, 8}});
  EXPECT_EQ(rule_names(p)[3], std::vector<std::string>{"ptrace"});
}

constexpr const char* kHead = R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [], )";

TEST(MobyReaderErrors, ErrnoNamesAndConflicts) {
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errno": "ENOPE"}]})"),
            "profile test.json: syscalls[0].errno: unknown errno name \"ENOPE\" (expected a Linux "
            "errno name like EPERM or ENOSYS)");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errno": "EPERM", "errnoRet": 38}]})"),
            "profile test.json: syscalls[0]: errnoRet (38) and errno (1) disagree");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "EWHAT", "syscalls": []})"),
            "profile test.json: defaultErrno: unknown errno name \"EWHAT\" (expected a Linux errno "
            "name like EPERM or ENOSYS)");
}

TEST(MobyReaderErrors, StructuralConflicts) {
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": []})"),
            "profile test.json: (top level): both \"architectures\" and \"archMap\" are given; use one of them");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ERRNO"}]})"),
            "profile test.json: syscalls[0]: both \"name\" and \"names\" are given; use one of them");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"action": "SCMP_ACT_ERRNO", "comment": ""}]})"),
            "profile test.json: syscalls[0]: required field \"names\" is missing");
}

TEST(MobyReaderErrors, Conditions) {
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4"}}]})"),
            "profile test.json: syscalls[0].includes.minKernel: \"4\" is not a kernel version "
            "(expected MAJOR.MINOR, e.g. \"4.8\")");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "4.8"}}]})"),
            "profile test.json: syscalls[0].excludes.minKernel: unknown field (accepted here: caps, arches)");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["vax"]}}]})"),
            "profile test.json: syscalls[0].includes.arches[0]: unknown architecture \"vax\" (expected "
            "a Go name like amd64, arm64, x86, x32, s390x, or an SCMP_ARCH_* name)");
  EXPECT_EQ(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"capabilities": []}}]})"),
            "profile test.json: syscalls[0].includes.capabilities: unknown field (accepted here: caps, "
            "arches, minKernel)");
}

TEST(MobyReaderErrors, RulesThatDoNotApplyAreStillValidated) {
  // A broken rule for another architecture must not hide in the profile.
  EXPECT_STARTS_WITH(read_error(std::string(kHead) + R"("syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALOW", "includes": {"arches": ["s390x"]}}]})",
                       Format::moby_json),
            "profile test.json: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\"");
}

TEST(MobyReaderErrors, UnknownContextArch) {
  ReadOptions options;
  options.source_name = "m.json";
  options.context.arch = "SCMP_ARCH_VAX";
  EXPECT_STARTS_WITH(test::error_of([&] { read_profile(R"({"defaultAction": "SCMP_ACT_ALLOW", "archMap": []})", options); }),
            "profile m.json: (top level): cannot resolve for unknown architecture \"SCMP_ARCH_VAX\"");
}

}  // namespace
}  // namespace nri_seccomp::seccomp
