// `nri-seccomp apply` as a user runs it: the real binary on a real bundle.
#include <sys/wait.h>

#include <cstdio>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "seccomp/explain.h"
#include "seccomp/reader.h"
#include "support/daemon_process.h"

namespace nri_seccomp::policy {
namespace {

using nri_seccomp::testing::TempDir;

struct Result {
  int code = -1;
  std::string out, err;
};

Result run_apply(const std::vector<std::string>& args, const TempDir& tmp) {
  std::string cmd = "'" + nri_seccomp::testing::daemon_binary() + "' apply";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >'" + tmp.file("out") + "' 2>'" + tmp.file("err") + "'";
  Result r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = test::read_file(tmp.file("out"));
  r.err = test::read_file(tmp.file("err"));
  return r;
}

class ApplyCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_test_profiles(profiles.path());
    test::write_file(bundle.file("config.json"),
                     R"({"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"},)"
                     R"("hostname":"x","linux":{"namespaces":[{"type":"pid"},{"type":"mount"}]}})");
  }
  nlohmann::json config() const { return nlohmann::json::parse(test::read_file(bundle.file("config.json"))); }

  TempDir profiles, bundle, tmp;
};

TEST_F(ApplyCommand, WritesTheMergedPolicyAndKeepsEverythingElse) {
  auto r = run_apply({"--bundle", bundle.path(), "--profiles-dir", profiles.path(), "--pod-annotation",
                      "seccomp.noderesource.dev/container.app=block-mkdir", "--profile-type", "runtime-default"},
                     tmp);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("decision outcome=applied namespace=default pod=apply container=app base=runtime-default:containerd "
                        "profiles=block-mkdir mode=enforce policy_rule=defaults hash=sha256:",
                        0),
            0u)
      << r.out;
  auto c = config();
  EXPECT_EQ(c["hostname"], "x");
  EXPECT_EQ(c["process"]["args"], nlohmann::json::array({"sh"}));
  EXPECT_EQ(c["linux"]["namespaces"].size(), 2u);
  seccomp::ReadOptions read;
  read.format = seccomp::Format::oci_json;
  auto policy = seccomp::read_profile(c["linux"]["seccomp"].dump(), read);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "mkdirat", {}).action, seccomp::Action::errno_ret);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "reboot", {}).action, seccomp::Action::errno_ret);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "read", {}).action, seccomp::Action::allow);
}

TEST_F(ApplyCommand, RefusalExitsNonZeroWithTheMessageAndLeavesTheBundle) {
  const auto before = test::read_file(bundle.file("config.json"));
  auto r = run_apply({"--bundle", bundle.path(), "--profiles-dir", profiles.path(), "--namespace", "shop", "--pod",
                      "web", "--container", "nginx", "--container-annotation",
                      "seccomp.noderesource.dev/container.nginx=block-mkdir", "--runtime", "containerd",
                      "--runtime-version", "2.1.9+unknown"},
                     tmp);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nri-seccomp: pod shop/web container nginx: runtime containerd 2.1.9+unknown cannot apply "
                       "seccomp adjustments (needs >= 2.2.0); refusing to create the container without its seccomp "
                       "profiles block-mkdir"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::read_file(bundle.file("config.json")), before);
}

TEST_F(ApplyCommand, ExistingBundlePolicyIsTheCurrentPolicy) {
  auto c = config();
  c["linux"]["seccomp"] = nlohmann::json::parse(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["swapon"],"action":"SCMP_ACT_ERRNO"}]})");
  test::write_file(bundle.file("config.json"), c.dump());
  auto r = run_apply({"--bundle", bundle.path(), "--profiles-dir", profiles.path(), "--pod-annotation",
                      "seccomp.noderesource.dev/pod=block-mkdir"},
                     tmp);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("base=current-policy"), std::string::npos) << r.out;
  seccomp::ReadOptions read;
  read.format = seccomp::Format::oci_json;
  auto policy = seccomp::read_profile(config()["linux"]["seccomp"].dump(), read);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "swapon", {}).action, seccomp::Action::errno_ret);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "mkdirat", {}).action, seccomp::Action::errno_ret);
  EXPECT_EQ(seccomp::explain(policy, "SCMP_ARCH_X86_64", "reboot", {}).action, seccomp::Action::allow);
}

TEST_F(ApplyCommand, MergedPolicyThatFailsTheCheckIsNotWritten) {
  auto c = config();
  c["linux"]["seccomp"] = nlohmann::json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_PDP11"]})");
  test::write_file(bundle.file("config.json"), c.dump());
  const auto before = test::read_file(bundle.file("config.json"));
  auto r = run_apply({"--bundle", bundle.path(), "--profiles-dir", profiles.path(), "--pod-annotation",
                      "seccomp.noderesource.dev/pod=block-mkdir"},
                     tmp);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("SCMP_ARCH_PDP11"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_file(bundle.file("config.json")), before);
}

TEST_F(ApplyCommand, UnannotatedIsUntouched) {
  const auto before = test::read_file(bundle.file("config.json"));
  auto r = run_apply({"--bundle", bundle.path(), "--profiles-dir", profiles.path()}, tmp);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("decision outcome=untouched"), std::string::npos) << r.out;
  EXPECT_EQ(test::read_file(bundle.file("config.json")), before);
}

TEST_F(ApplyCommand, BadInputsFailClearly) {
  auto r = run_apply({"--bundle", tmp.file("nope"), "--profiles-dir", profiles.path()}, tmp);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("cannot open " + tmp.file("nope") + "/config.json"), std::string::npos) << r.err;
  r = run_apply({"--bundle", bundle.path(), "--pod-annotation", "novalue"}, tmp);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--pod-annotation \"novalue\": expected KEY=VALUE"), std::string::npos) << r.err;
  r = run_apply({"--bundle", bundle.path(), "--profile-type", "localhost"}, tmp);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--profile-type localhost needs --localhost-ref PATH"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nri_seccomp::policy
