// Every policy and profile file this repository ships for deployment must
// load with the plugin's own strict parsers: a typo in a shipped policy would
// otherwise only show up as a reload_failed on a production node.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "policy/config.h"
#include "seccomp/reader.h"

namespace {

const std::string kSource = NRI_SECCOMP_SOURCE_DIR;

class ShippedPolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedPolicy, LoadsWithThePluginsParser) {
  const std::string path = kSource + "/" + GetParam();
  try {
    auto config = nri_seccomp::policy::load_config_file(path);
    ASSERT_TRUE(config.defaults.mandatory.has_value()) << path;
    EXPECT_EQ(*config.defaults.mandatory, std::vector<std::string>{"must-block"}) << path;
    ASSERT_FALSE(config.rules.empty()) << path;
    EXPECT_TRUE(config.rules[0].exempt) << path;
    EXPECT_EQ(config.rules[0].namespaces, std::vector<std::string>{"kube-system"}) << path;
  } catch (const nri_seccomp::Error& e) {
    FAIL() << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Deploy, ShippedPolicy,
                         ::testing::Values("deploy/kubernetes/base/policy.yaml",
                                           "deploy/kubernetes/overlays/complain/policy.yaml",
                                           "deploy/kubernetes/overlays/enforce/policy.yaml",
                                           "deploy/host/policy.yaml", "deploy/host/10-seccomp.conf"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ShippedProfiles, EveryProfileInTheBaseLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/deploy/kubernetes/base/profiles")) {
    nri_seccomp::seccomp::ReadOptions options;
    try {
      auto policy = nri_seccomp::seccomp::read_profile_file(entry.path().string(), options);
      EXPECT_FALSE(policy.syscalls.empty()) << entry.path();
    } catch (const nri_seccomp::Error& e) {
      ADD_FAILURE() << e.what();
    }
    ++count;
  }
  EXPECT_EQ(count, 2);
}

}  // namespace
