// The policy handler behind a real NRI session over a real unix socket, with
// the test runtime playing containerd: in-process (our handler + the NRI
// session library), and through the real `nri-seccomp run` binary.
// Before nri/: seccomp/nri_convert.h spells `nri::pkg::...` unqualified, which
// nri_seccomp::nri (from nri/handler.h) would shadow.
#include "seccomp/nri_convert.h"

#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "helpers.h"
#include "nri/session.h"
#include "policy/nri_handler.h"
#include "seccomp/explain.h"
#include "seccomp/nri_convert.h"
#include "support/daemon_process.h"
#include "support/realistic_request.h"
#include "support/test_runtime.h"

namespace nri_seccomp::policy {
namespace {

using nri_seccomp::testing::RuntimeIdentity;
using nri_seccomp::testing::TempDir;
using nri_seccomp::testing::TestRuntime;

seccomp::Action action_of(const ::nri::pkg::api::v1alpha1::CreateContainerResponse& r, const std::string& syscall) {
  auto policy = seccomp::from_nri(r.adjust().linux().seccomp_policy());
  return seccomp::explain(policy, "SCMP_ARCH_X86_64", syscall, {}).action;
}

class InProcess : public ::testing::Test {
 protected:
  void start(const RuntimeIdentity& identity = {}) {
    test::write_test_profiles(profiles.path());
    EngineOptions o;
    o.profile_dirs = {profiles.path()};
    engine = std::make_shared<Engine>(o);
    handler = make_nri_handler(engine);
    runtime = std::make_unique<TestRuntime>(dir.file("nri.sock"));
    nri::SessionOptions so;
    so.socket_path = dir.file("nri.sock");
    session = std::make_unique<nri::Session>(so, *handler);
    thread = std::thread([this] { session->run(); });
    runtime->handshake(identity);
  }
  void TearDown() override {
    if (session) session->stop();
    if (thread.joinable()) thread.join();
  }

  TempDir dir, profiles;
  std::shared_ptr<Engine> engine;
  std::unique_ptr<nri::Handler> handler;
  std::unique_ptr<TestRuntime> runtime;
  std::unique_ptr<nri::Session> session;
  std::thread thread;
};

TEST_F(InProcess, RealisticContainerd23RequestGetsTheMergedPolicy) {
  start();
  auto response = runtime->create_container(nri_seccomp::testing::make_realistic_create_request());
  ASSERT_TRUE(response.adjust().linux().has_seccomp_policy());
  EXPECT_EQ(action_of(response, "mkdirat"), seccomp::Action::errno_ret);
  EXPECT_EQ(action_of(response, "read"), seccomp::Action::allow);
  EXPECT_EQ(response.adjust().annotations().at("seccomp.noderesource.dev/applied-profiles"), "block-mkdir");
  EXPECT_EQ(engine->stats().applied, 1u);
}

TEST_F(InProcess, RefusalReachesTheRuntimeWithTheFullMessage) {
  start();
  auto request = nri_seccomp::testing::make_realistic_create_request();
  (*request.mutable_pod()->mutable_annotations())["seccomp.noderesource.dev/container.app"] = "no-such";
  try {
    runtime->create_container(request);
    FAIL() << "refused container was created";
  } catch (const transport::RpcError& e) {
    EXPECT_NE(e.code(), 0);
    EXPECT_NE(std::string(e.what()).find("nri-seccomp: pod default/demo-7d9f8c6b5-x2k4q container app: profile no-such"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(InProcess, OldContainerdIsGatedFromConfigure) {
  start({.name = "containerd", .version = "2.1.9+unknown", .nri_version = ""});
  try {
    runtime->create_container(nri_seccomp::testing::make_realistic_create_request());
    FAIL() << "old containerd was handed a seccomp adjustment";
  } catch (const transport::RpcError& e) {
    EXPECT_NE(std::string(e.what()).find("runtime containerd 2.1.9+unknown cannot apply seccomp adjustments (needs >= "
                                         "2.2.0)"),
              std::string::npos)
        << e.what();
  }
  auto plain = nri_seccomp::testing::make_realistic_create_request();
  plain.mutable_pod()->mutable_annotations()->erase("seccomp.noderesource.dev/container.app");
  auto response = runtime->create_container(plain);
  EXPECT_FALSE(response.has_adjust());
}

TEST_F(InProcess, ConfigFromConfigureIsApplied) {
  start({.config = test::policy_yaml("defaults: {mandatory: [no-ptrace], mode: complain}\n")});
  auto plain = nri_seccomp::testing::make_realistic_create_request();
  plain.mutable_pod()->mutable_annotations()->erase("seccomp.noderesource.dev/container.app");
  plain.mutable_container()->mutable_linux()->clear_seccomp_policy();
  plain.mutable_container()->mutable_linux()->mutable_seccomp_profile()->set_profile_type(
      ::nri::pkg::api::v1alpha1::SecurityProfile::UNCONFINED);
  auto response = runtime->create_container(plain);
  EXPECT_EQ(action_of(response, "ptrace"), seccomp::Action::log);
  EXPECT_EQ(response.adjust().annotations().at("seccomp.noderesource.dev/mode"), "complain");
}

// The real daemon binary. Needs plugin/handler_factory.cc to return
// policy::make_nri_handler(...) (wired by the lead).
TEST(Daemon, RunWithProfilesDirAppliesAnnotatedProfile) {
  TempDir dir, profiles;
  test::write_test_profiles(profiles.path());
  TestRuntime runtime(dir.file("nri.sock"));
  nri_seccomp::testing::DaemonProcess daemon({.args = {"run", "--socket", dir.file("nri.sock"), "--name", "seccomp",
                                                       "--idx", "10", "--profiles-dir", profiles.path()}});
  runtime.handshake();
  auto response = runtime.create_container(nri_seccomp::testing::make_realistic_create_request());
  ASSERT_TRUE(response.adjust().linux().has_seccomp_policy())
      << "the daemon returned no seccomp adjustment: is plugin/handler_factory.cc wired to "
         "policy::make_nri_handler()? daemon log:\n"
      << daemon.log();
  EXPECT_EQ(action_of(response, "mkdirat"), seccomp::Action::errno_ret);
  EXPECT_TRUE(daemon.wait_for_log("decision")) << daemon.log();
}

// What a log pipeline reads from the real daemon: with --log-format json,
// every line on stderr is one JSON object, numbers are numbers, and hostile
// bytes from a profile file and an annotation stay inside their strings.
TEST(Daemon, JsonLogIsOneObjectPerLine) {
  TempDir dir, profiles;
  test::write_test_profiles(profiles.path());
  test::write_file(profiles.file("hostile.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mk\xff\x01\"]}]}");
  TestRuntime runtime(dir.file("nri.sock"));
  nri_seccomp::testing::DaemonProcess daemon({.args = {"run", "--socket", dir.file("nri.sock"), "--name", "seccomp", "--idx",
                                                       "10", "--profiles-dir", profiles.path(), "--log-format", "json"}});
  runtime.handshake();
  runtime.create_container(nri_seccomp::testing::make_realistic_create_request());
  for (const char* value : {"hostile", "block-mkdir,\x1b[31m"}) {
    auto request = nri_seccomp::testing::make_realistic_create_request();
    (*request.mutable_pod()->mutable_annotations())["seccomp.noderesource.dev/container.app"] = value;
    EXPECT_THROW(runtime.create_container(request), transport::RpcError);
  }
  ASSERT_TRUE(daemon.wait_for_log("\"outcome\":\"refused\"", std::chrono::seconds(5), 2)) << daemon.log();
  std::istringstream lines(daemon.log());
  int decisions = 0, parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << line;
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event")) << line;
    ++parsed;
    if (j["event"] == "decision") {
      ++decisions;
      EXPECT_TRUE(j["duration_us"].is_number_integer()) << line;
      EXPECT_TRUE(j["syscall_rules"].is_number_integer()) << line;
    }
  }
  EXPECT_EQ(decisions, 3);
  EXPECT_GT(parsed, 5);
}

}  // namespace
}  // namespace nri_seccomp::policy
