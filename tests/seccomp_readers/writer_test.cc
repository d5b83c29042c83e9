#include <gtest/gtest.h>

#include "seccomp/reader.h"
#include "seccomp/writer.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

Policy sample() {
  Policy p;
  p.default_action = Action::errno_ret;
  p.default_errno = 38;
  p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  p.flags = {"SECCOMP_FILTER_FLAG_LOG"};
  Rule allow;
  allow.names = {"read", "write"};
  allow.action = Action::allow;
  Rule clone;
  clone.names = {"clone"};
  clone.action = Action::allow;
  clone.args = {{0, 2114060288, 0, Op::masked_eq}};
  Rule masked;
  masked.names = {"openat"};
  masked.action = Action::trace;
  masked.errno_ret = 7;
  masked.args = {{2, 0x40, 0x40, Op::masked_eq}, {1, UINT64_MAX, 0, Op::ge}};
  Rule kill;
  kill.names = {"ptrace"};
  kill.action = Action::kill_thread;
  p.syscalls = {allow, clone, masked, kill};
  return p;
}

TEST(Writer, ExactCompactBytes) {
  Policy p;
  p.default_action = Action::allow;
  Rule r;
  r.names = {"mkdirat"};
  r.action = Action::errno_ret;
  r.errno_ret = 1;
  r.args = {{1, 2, 0, Op::eq}};
  p.syscalls = {r};
  EXPECT_EQ(to_oci_json(p),
            R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdirat"],"action":"SCMP_ACT_ERRNO",)"
            R"("errnoRet":1,"args":[{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]}]})");
}

TEST(Writer, EmptyAndAbsentFieldsAreOmitted) {
  EXPECT_EQ(to_oci_json(Policy{}), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  Policy p;
  p.default_errno = 0;  // present-but-zero is still present
  EXPECT_EQ(to_oci_json(p), R"({"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":0})");
}

TEST(Writer, JsonRoundTripIsIdentity) {
  Policy p = sample();
  std::string compact = to_oci_json(p);
  EXPECT_EQ(test::read(compact, Format::oci_json), p);
  EXPECT_EQ(test::read(to_oci_json(p, true), Format::oci_json), p);
  // Text -> Policy -> text is a fixed point.
  EXPECT_EQ(to_oci_json(test::read(compact)), compact);
}

TEST(Writer, SeedProfileRoundTrip) {
  Policy p = read_profile_file(std::string(NRI_SECCOMP_TEST_DATA) + "/../seed/block-mkdir-kill.json", {});
  EXPECT_EQ(to_oci_json(p),
            R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],)"
            R"("syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL"}]})");
}

TEST(Writer, PrettyIsIndented) {
  std::string pretty = to_oci_json(sample(), true);
  EXPECT_NE(pretty.find("\n  \"defaultErrnoRet\": 38,\n"), std::string::npos);
}

TEST(Writer, HashIsStableAndSensitive) {
  Policy p = sample();
  std::string h = policy_hash(p);
  EXPECT_EQ(h.rfind("sha256:", 0), 0u);
  EXPECT_EQ(h.size(), 7u + 64u);
  EXPECT_EQ(policy_hash(sample()), h);
  Policy q = p;
  q.syscalls[2].args[0].value_two = 0;
  EXPECT_NE(policy_hash(q), h);
  Policy r = p;
  r.default_errno.reset();
  EXPECT_NE(policy_hash(r), h);
}

TEST(Writer, InvalidUtf8NeverThrows) {
  Policy p;
  p.listener_metadata = "\xff\xfe";
  EXPECT_NO_THROW(to_oci_json(p));
}

}  // namespace
}  // namespace nri_seccomp::seccomp
