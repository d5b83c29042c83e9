#include <gtest/gtest.h>

#include "policy/runtime_gate.h"

namespace nri_seccomp::policy {
namespace {

TEST(Version, ParsesCommonSpellings) {
  auto v = parse_version("v2.3.4");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 2);
  EXPECT_EQ(v->minor, 3);
  EXPECT_EQ(v->patch, 4);
  v = parse_version("2.1.9+unknown");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->patch, 9);
  EXPECT_TRUE(v->prerelease.empty());
  v = parse_version("1.34.0-rc.1");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->prerelease, "rc.1");
  v = parse_version("2.2");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->patch, 0);
}

TEST(Version, RejectsGarbage) {
  for (const char* bad : {"", "v", "abc", "2", "2.", "2.x", "2.2.x", "2.2.0-", "-1.2.3", "2.2.0 junk"}) {
    EXPECT_FALSE(parse_version(bad)) << bad;
  }
}

TEST(Version, PrereleaseSortsBeforeRelease) {
  EXPECT_TRUE(*parse_version("1.34.0-rc.1") < *parse_version("1.34.0"));
  EXPECT_FALSE(*parse_version("1.34.0") < *parse_version("1.34.0-rc.1"));
  EXPECT_TRUE(*parse_version("2.1.9") < *parse_version("2.2.0"));
  EXPECT_TRUE(*parse_version("2.2.0") < *parse_version("v2.10.0"));
}

TEST(RuntimeGate, Containerd) {
  EXPECT_TRUE(check_runtime("containerd", "v2.3.4").supported);
  EXPECT_TRUE(check_runtime("containerd", "2.2.0").supported);
  EXPECT_TRUE(check_runtime("containerd", "v3.0.0").supported);
  auto old = check_runtime("containerd", "2.1.9+unknown");
  EXPECT_FALSE(old.supported);
  EXPECT_EQ(old.minimum, "2.2.0");
  EXPECT_EQ(old.reason, "runtime containerd 2.1.9+unknown cannot apply seccomp adjustments (needs >= 2.2.0)");
  EXPECT_FALSE(check_runtime("containerd", "2.2.0-rc.0").supported);
  EXPECT_FALSE(check_runtime("containerd", "v1.7.20").supported);
}

TEST(RuntimeGate, CriO) {
  EXPECT_TRUE(check_runtime("cri-o", "1.34.0").supported);
  EXPECT_TRUE(check_runtime("cri-o", "v1.35.2").supported);
  auto rc = check_runtime("cri-o", "1.34.0-rc.1");
  EXPECT_FALSE(rc.supported);
  EXPECT_EQ(rc.reason, "runtime cri-o 1.34.0-rc.1 cannot apply seccomp adjustments (needs >= 1.34.0)");
  EXPECT_FALSE(check_runtime("cri-o", "1.33.9").supported);
}

TEST(RuntimeGate, UnknownRuntimesAndVersions) {
  auto unknown = check_runtime("podman", "5.0.0");
  EXPECT_FALSE(unknown.supported);
  EXPECT_EQ(unknown.reason,
            "unknown runtime podman 5.0.0 (only containerd and CRI-O are known to apply seccomp adjustments)");
  EXPECT_EQ(check_runtime("", "").reason, "unknown runtime (none reported)");
  auto garbled = check_runtime("containerd", "main");
  EXPECT_FALSE(garbled.supported);
  EXPECT_EQ(garbled.reason, "runtime containerd reports an unreadable version \"main\" (needs >= 2.2.0)");
}

}  // namespace
}  // namespace nri_seccomp::policy
