// Hot reload on real files: edits, broken edits, ConfigMap-style symlink
// swaps picked up by the poller, Configure-supplied config, and requests
// running while states are swapped.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.h"
#include "helpers.h"
#include "policy/engine.h"
#include "seccomp/explain.h"
#include "seccomp/nri_convert.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {
namespace {

using namespace std::chrono_literals;
const std::string kContainerKey = "seccomp.noderesource.dev/container.app";

EngineOptions options_for(const std::string& profiles, const std::string& config = "") {
  EngineOptions o;
  o.profile_dirs = {profiles};
  o.config_path = config;
  o.context = seccomp::default_container_context();
  o.poll_interval = 20ms;
  return o;
}

// Waits (bounded) until the engine's generation passes `generation`.
bool wait_generation_above(const Engine& engine, uint64_t generation, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (engine.stats().generation > generation) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

seccomp::Action action_of(const ::nri::pkg::api::v1alpha1::CreateContainerResponse& r, const std::string& syscall) {
  auto policy = seccomp::from_nri(r.adjust().linux().seccomp_policy());
  return seccomp::explain(policy, "SCMP_ARCH_X86_64", syscall, {}).action;
}

const char* kBlock = R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["%s"],"action":"SCMP_ACT_ERRNO"}]})";
std::string blocking(const std::string& syscall) {
  std::string s = kBlock;
  s.replace(s.find("%s"), 2, syscall);
  return s;
}

TEST(Reload, ProfileEditIsPickedUpByThePoller) {
  testing::TempDir dir;
  test::write_file(dir.file("p.json"), blocking("ptrace"));
  Engine engine(options_for(dir.path()));
  engine.set_runtime("containerd", "v2.3.4");
  const auto request = test::make_request({.pod_annotations = {{kContainerKey, "p"}}, .profile = "unconfined"});
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  ASSERT_EQ(engine.decide(request, r).outcome, Outcome::applied);
  EXPECT_EQ(action_of(r, "ptrace"), seccomp::Action::errno_ret);

  engine.start_watching();
  const auto before = engine.stats().generation;
  test::write_file(dir.file("p.json.tmp"), blocking("swapon"));
  ASSERT_EQ(::rename(dir.file("p.json.tmp").c_str(), dir.file("p.json").c_str()), 0);
  ASSERT_TRUE(wait_generation_above(engine, before));
  engine.stop_watching();

  r.Clear();
  ASSERT_EQ(engine.decide(request, r).outcome, Outcome::applied);
  EXPECT_EQ(action_of(r, "ptrace"), seccomp::Action::allow);
  EXPECT_EQ(action_of(r, "swapon"), seccomp::Action::errno_ret);
  EXPECT_GE(engine.stats().reload_ok, 1u);
}

TEST(Reload, NewAndRemovedProfilesAreSeen) {
  testing::TempDir dir;
  Engine engine(options_for(dir.path()));
  engine.set_runtime("containerd", "v2.3.4");
  const auto request = test::make_request({.pod_annotations = {{kContainerKey, "late"}}});
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  EXPECT_EQ(engine.decide(request, r).outcome, Outcome::refused);
  test::write_file(dir.file("late.json"), blocking("ptrace"));
  ASSERT_TRUE(engine.reload());
  EXPECT_EQ(engine.decide(request, r).outcome, Outcome::applied);
  ASSERT_EQ(::unlink(dir.file("late.json").c_str()), 0);
  ASSERT_TRUE(engine.reload());
  EXPECT_EQ(engine.decide(request, r).outcome, Outcome::refused);
}

TEST(Reload, BrokenConfigEditKeepsTheLastGoodState) {
  testing::TempDir dir, work;
  test::write_test_profiles(dir.path());
  const auto config = work.file("policy.yaml");
  test::write_file(config, test::policy_yaml("defaults: {mandatory: [no-ptrace]}\n"));
  Engine engine(options_for(dir.path(), config));
  engine.set_runtime("containerd", "v2.3.4");
  const auto generation = engine.stats().generation;

  test::write_file(config, test::policy_yaml("defaults: {mandatory: [no-ptrace], typo: 1}\n"));
  EXPECT_FALSE(engine.reload());
  EXPECT_EQ(engine.stats().generation, generation);
  EXPECT_EQ(engine.stats().reload_error, 1u);
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  auto d = engine.decide(test::make_request({.profile = "unconfined"}), r);
  ASSERT_EQ(d.outcome, Outcome::applied);  // the old mandatory profile still applies
  EXPECT_EQ(d.profiles, std::vector<std::string>{"no-ptrace"});

  // The poller also keeps the last good state, and recovers on the next fix.
  engine.start_watching();
  test::write_file(config, "not: [valid\n");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(engine.stats().generation, generation);
  test::write_file(config, test::policy_yaml("defaults: {mandatory: [block-mkdir]}\n"));
  ASSERT_TRUE(wait_generation_above(engine, generation));
  engine.stop_watching();
  r.Clear();
  d = engine.decide(test::make_request({.profile = "unconfined"}), r);
  EXPECT_EQ(d.profiles, std::vector<std::string>{"block-mkdir"});
}

// Kubernetes updates a mounted ConfigMap by swapping the `..data` symlink to a
// new timestamped directory; file names in the mount stay the same.
TEST(Reload, ConfigMapSymlinkSwapIsDetected) {
  testing::TempDir dir;
  ASSERT_EQ(::mkdir(dir.file("..v1").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(dir.file("..v2").c_str(), 0755), 0);
  test::write_file(dir.file("..v1/p.json"), blocking("ptrace"));
  test::write_file(dir.file("..v2/p.json"), blocking("swapon"));
  ASSERT_EQ(::symlink("..v1", dir.file("..data").c_str()), 0);
  ASSERT_EQ(::symlink("..data/p.json", dir.file("p.json").c_str()), 0);

  Engine engine(options_for(dir.path()));
  engine.set_runtime("containerd", "v2.3.4");
  const auto request = test::make_request({.pod_annotations = {{kContainerKey, "p"}}, .profile = "unconfined"});
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  ASSERT_EQ(engine.decide(request, r).outcome, Outcome::applied);
  EXPECT_EQ(action_of(r, "ptrace"), seccomp::Action::errno_ret);

  engine.start_watching();
  const auto before = engine.stats().generation;
  ASSERT_EQ(::symlink("..v2", dir.file("..data_tmp").c_str()), 0);
  ASSERT_EQ(::rename(dir.file("..data_tmp").c_str(), dir.file("..data").c_str()), 0);
  ASSERT_TRUE(wait_generation_above(engine, before));
  engine.stop_watching();
  r.Clear();
  ASSERT_EQ(engine.decide(request, r).outcome, Outcome::applied);
  EXPECT_EQ(action_of(r, "ptrace"), seccomp::Action::allow);
  EXPECT_EQ(action_of(r, "swapon"), seccomp::Action::errno_ret);
}

TEST(Reload, UnchangedProfilesAreReused) {
  testing::TempDir dir;
  test::write_test_profiles(dir.path());
  Engine engine(options_for(dir.path()));
  test::write_file(dir.file("extra.json"), blocking("ptrace"));
  ASSERT_TRUE(engine.reload());
  EXPECT_EQ(engine.state()->store.reused(), 5u);
  EXPECT_EQ(engine.state()->store.size(), 6u);
}

TEST(Reload, ConfigureSuppliesThePolicyForARuntimeLaunchedPlugin) {
  testing::TempDir dir;
  test::write_test_profiles(dir.path());
  Engine engine(options_for(dir.path()));
  engine.configure("containerd", "v2.3.4", test::policy_yaml("defaults: {mandatory: [no-ptrace]}\n"));
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  auto d = engine.decide(test::make_request({.profile = "unconfined"}), r);
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.profiles, std::vector<std::string>{"no-ptrace"});

  const auto generation = engine.stats().generation;
  try {
    engine.configure("containerd", "v2.3.4", test::policy_yaml("bogus: 1\n"));
    FAIL() << "invalid Configure config accepted";
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config from runtime Configure: bogus (line 3): unknown field", 0), 0u)
        << e.what();
  }
  EXPECT_EQ(engine.stats().generation, generation);
  d = engine.decide(test::make_request({.profile = "unconfined"}), r);
  EXPECT_EQ(d.profiles, std::vector<std::string>{"no-ptrace"});
}

TEST(Reload, RequestsDuringSwapsSeeEitherTheOldOrTheNewState) {
  testing::TempDir dir;
  test::write_file(dir.file("p.json"), blocking("ptrace"));
  Engine engine(options_for(dir.path()));
  engine.set_runtime("containerd", "v2.3.4");
  const auto request = test::make_request({.pod_annotations = {{kContainerKey, "p"}}, .profile = "unconfined"});
  ::nri::pkg::api::v1alpha1::CreateContainerResponse r;
  const auto hash_a = engine.decide(request, r).hash;
  test::write_file(dir.file("p.json"), blocking("swapon"));
  ASSERT_TRUE(engine.reload());
  const auto hash_b = engine.decide(request, r).hash;
  ASSERT_NE(hash_a, hash_b);

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, done{0};
  std::thread requester([&] {
    ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
    while (!stop) {
      response.Clear();
      auto d = engine.decide(request, response);
      if (d.outcome != Outcome::applied || (d.hash != hash_a && d.hash != hash_b)) ++bad;
      ++done;
    }
  });
  for (int i = 0; i < 20; ++i) {
    test::write_file(dir.file("p.json"), blocking(i % 2 ? "swapon" : "ptrace"));
    EXPECT_TRUE(engine.reload());
  }
  stop = true;
  requester.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(done.load(), 0);
}

}  // namespace
}  // namespace nri_seccomp::policy
