#include <gtest/gtest.h>

#include "seccomp/nri_convert.h"
#include "seccomp/reader.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

namespace api = nri::pkg::api::v1alpha1;

Policy full_policy() {
  return read_profile_file(test::data_path("oci-full.json"), {});
}

TEST(NriConvert, RoundTripThroughTheWire) {
  Policy p = full_policy();
  p.listener_path = "/run/l.sock";
  p.listener_metadata = "meta";
  api::LinuxSeccomp message;
  to_nri(p, message);
  // Through bytes, as it travels.
  api::LinuxSeccomp decoded;
  ASSERT_TRUE(decoded.ParseFromString(message.SerializeAsString()));
  EXPECT_EQ(from_nri(decoded), p);
}

TEST(NriConvert, FieldsLandWhereNriExpectsThem) {
  api::LinuxSeccomp m;
  to_nri(full_policy(), m);
  EXPECT_EQ(m.default_action(), "SCMP_ACT_ERRNO");
  ASSERT_TRUE(m.has_default_errno());
  EXPECT_EQ(m.default_errno().value(), 38u);
  EXPECT_EQ(m.architectures_size(), 2);
  EXPECT_EQ(m.flags(0), "SECCOMP_FILTER_FLAG_LOG");
  ASSERT_EQ(m.syscalls_size(), 6);
  EXPECT_FALSE(m.syscalls(0).has_errno_ret());
  EXPECT_TRUE(m.syscalls(3).has_errno_ret());
  EXPECT_EQ(m.syscalls(3).errno_ret().value(), 13u);
  EXPECT_EQ(m.syscalls(2).args(0).op(), "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(m.syscalls(2).args(0).value(), 2114060288u);
}

TEST(NriConvert, AbsentAndZeroErrnoStayDistinct) {
  Policy p;
  p.default_action = Action::errno_ret;
  api::LinuxSeccomp m;
  to_nri(p, m);
  EXPECT_FALSE(m.has_default_errno());
  EXPECT_FALSE(from_nri(m).default_errno.has_value());
  p.default_errno = 0;
  to_nri(p, m);
  EXPECT_TRUE(m.has_default_errno());
  EXPECT_EQ(from_nri(m).default_errno, 0u);
}

TEST(NriConvert, UnknownRuntimeStringsAreErrors) {
  api::LinuxSeccomp m;
  m.set_default_action("SCMP_ACT_ALLOW");
  auto* s = m.add_syscalls();
  s->add_names("mkdir");
  s->set_action("SCMP_ACT_SOMETHING");
  EXPECT_STARTS_WITH(test::error_of([&] { from_nri(m); }),
            "NRI seccomp policy: syscalls[0].action: unknown action \"SCMP_ACT_SOMETHING\" (accepted");
  s->set_action("SCMP_ACT_ERRNO");
  auto* a = s->add_args();
  a->set_index(0);
  a->set_op("SCMP_CMP_XX");
  EXPECT_STARTS_WITH(test::error_of([&] { from_nri(m); }),
            "NRI seccomp policy: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\" ");
  a->set_op("SCMP_CMP_EQ");
  a->set_index(9);
  EXPECT_EQ(test::error_of([&] { from_nri(m); }),
            "NRI seccomp policy: syscalls[0].args[0].index: 9 is out of range (0..5)");
  m.set_default_action("");
  EXPECT_STARTS_WITH(test::error_of([&] { from_nri(m); }),
            "NRI seccomp policy: default_action: unknown action \"\" (");
}

}  // namespace
}  // namespace nri_seccomp::seccomp
