#include <gtest/gtest.h>

#include "policy/runtime_caps.h"

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

TEST(RuntimeCaps, ContainerdRows) {
  auto old = runtime_caps("containerd", "2.1.9+unknown");
  EXPECT_FALSE(old.applies_seccomp);
  EXPECT_EQ(old.minimum, "2.2.0");
  EXPECT_EQ(old.reason, "runtime containerd 2.1.9+unknown cannot apply seccomp adjustments (needs >= 2.2.0)");
  EXPECT_FALSE(runtime_caps("containerd", "2.2.0-rc.0").applies_seccomp);
  EXPECT_FALSE(runtime_caps("containerd", "v1.7.20").applies_seccomp);

  auto first = runtime_caps("containerd", "2.2.0");
  EXPECT_TRUE(first.applies_seccomp);
  EXPECT_EQ(first.profile_source, ProfileSource::none);  // the profile type arrives from 2.2.1
  EXPECT_FALSE(first.rule_errno_safe);

  auto v227 = runtime_caps("containerd", "v2.2.7");
  EXPECT_TRUE(v227.applies_seccomp);
  EXPECT_EQ(v227.profile_source, ProfileSource::nri_profile);
  EXPECT_FALSE(v227.sends_current_policy);
  EXPECT_FALSE(v227.rule_errno_safe);  // NRI v0.11 crashes on errno_ret
  EXPECT_EQ(v227.errno_minimum, "2.3.0");
  EXPECT_EQ(v227.runtime_default, seccomp::RuntimeDefault::containerd);
  EXPECT_EQ(v227.label(), "containerd v2.2.7");
  EXPECT_TRUE(v227.reason.empty());

  for (const char* v : {"v2.3.4", "2.3.0", "v3.0.0"}) {
    auto caps = runtime_caps("containerd", v);
    EXPECT_TRUE(caps.applies_seccomp && caps.sends_current_policy && caps.rule_errno_safe) << v;
  }
}

TEST(RuntimeCaps, CriORows) {
  auto rc = runtime_caps("cri-o", "1.34.0-rc.1");
  EXPECT_FALSE(rc.applies_seccomp);
  EXPECT_EQ(rc.reason, "runtime cri-o 1.34.0-rc.1 cannot apply seccomp adjustments (needs >= 1.34.0)");
  EXPECT_FALSE(runtime_caps("cri-o", "1.33.9").applies_seccomp);

  for (const char* v : {"1.34.0", "v1.35.2", "1.36.3"}) {
    auto caps = runtime_caps("cri-o", v);
    EXPECT_TRUE(caps.applies_seccomp) << v;
    EXPECT_FALSE(caps.rule_errno_safe) << v;
    EXPECT_FALSE(caps.sends_current_policy) << v;
    EXPECT_EQ(caps.profile_source, ProfileSource::crio_annotation) << v;
    EXPECT_EQ(caps.runtime_default, seccomp::RuntimeDefault::cri_o) << v;
    EXPECT_EQ(caps.errno_minimum, "1.37.0") << v;
  }
  // CRI-O's main branch (1.37.0-dev) already vendors NRI v0.12.0.
  for (const char* v : {"1.37.0-dev", "1.37.0", "1.38.1"}) {
    auto caps = runtime_caps("cri-o", v);
    EXPECT_TRUE(caps.applies_seccomp && caps.rule_errno_safe) << v;
    EXPECT_EQ(caps.profile_source, ProfileSource::crio_annotation) << v;
  }
  EXPECT_TRUE(runtime_caps("crio", "1.37.0").rule_errno_safe);
}

TEST(RuntimeCaps, UnknownRuntimesAndVersions) {
  auto unknown = runtime_caps("podman", "5.0.0");
  EXPECT_FALSE(unknown.applies_seccomp);
  EXPECT_EQ(unknown.reason,
            "unknown runtime podman 5.0.0 (only containerd and CRI-O are known to apply seccomp adjustments)");
  EXPECT_EQ(runtime_caps("", "").reason, "unknown runtime (none reported)");
  auto garbled = runtime_caps("containerd", "main");
  EXPECT_FALSE(garbled.applies_seccomp);
  EXPECT_EQ(garbled.reason, "runtime containerd reports an unreadable version \"main\" (needs >= 2.2.0)");
}

TEST(RuntimeCaps, KeyTellsDecisionRelevantRowsApart) {
  EXPECT_NE(runtime_caps("containerd", "2.2.7").key(), runtime_caps("containerd", "2.3.4").key());
  EXPECT_NE(runtime_caps("containerd", "2.3.4").key(), runtime_caps("cri-o", "1.37.0").key());
  EXPECT_EQ(runtime_caps("cri-o", "1.34.0").key(), runtime_caps("cri-o", "1.36.3").key());
}

}  // namespace
}  // namespace nri_seccomp::policy
