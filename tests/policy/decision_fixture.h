// The decision tests' fixture: an Engine over real profile files, the
// runtime it is told it talks to, and helpers that read the adjustment back.
#pragma once

#include <array>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "helpers.h"
#include "policy/engine.h"
#include "seccomp/explain.h"
#include "seccomp/nri_convert.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {

using seccomp::Action;
using test::make_request;
using test::RequestSpec;

const std::string kContainerKey = "seccomp.noderesource.dev/container.app";
const std::string kPodKey = "seccomp.noderesource.dev/pod";

class DecisionTest : public ::testing::Test {
 protected:
  void SetUp() override { test::write_test_profiles(profiles.path()); }

  // config_body empty: no --config at all (annotation-driven only).
  Engine& engine(const std::string& config_body = "", std::string runtime = "containerd",
                 std::string version = "v2.3.4") {
    EngineOptions o;
    o.profile_dirs = {profiles.path()};
    o.context = seccomp::default_container_context();
    if (!config_body.empty()) {
      o.config_path = work.file("policy.yaml");
      test::write_file(o.config_path, test::policy_yaml(config_body));
    }
    engine_ = std::make_unique<Engine>(o);
    engine_->set_runtime(runtime, version);
    return *engine_;
  }

  Decision run(const RequestSpec& spec) {
    response.Clear();
    return engine_->decide(make_request(spec), response);
  }

  // What the policy handed to NRI gives `syscall` on x86_64.
  seccomp::Explanation explain(const std::string& syscall, const std::array<uint64_t, 6>& args = {}) const {
    auto policy = seccomp::from_nri(response.adjust().linux().seccomp_policy());
    return seccomp::explain(policy, "SCMP_ARCH_X86_64", syscall, args);
  }
  Action action_of(const std::string& syscall) const { return explain(syscall).action; }

  std::string annotation(const std::string& suffix) const {
    const auto& a = response.adjust().annotations();
    auto it = a.find("seccomp.noderesource.dev/" + suffix);
    return it == a.end() ? "(absent)" : it->second;
  }

  testing::TempDir profiles, work;
  std::unique_ptr<Engine> engine_;
  ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
};

}  // namespace nri_seccomp::policy
