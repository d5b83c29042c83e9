// The policy handler behind a real NRI session over a real unix socket, with
// the test runtime playing containerd: in-process (our handler + the NRI
// session library), and through the real `nri-seccomp run` binary.
// Before nri/: seccomp/nri_convert.h spells `nri::pkg::...` unqualified, which
// nri_seccomp::nri (from nri/handler.h) would shadow.
#include "seccomp/nri_convert.h"

#include <algorithm>
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

// ValidateContainerAdjustment: the runtime asks, after every plugin answered,
// whether the final adjustment is what we decided. Each test is a way the
// container could end up weaker than the answer.
namespace api = ::nri::pkg::api::v1alpha1;

TEST_F(InProcess, ValidationApprovesTheAdjustmentAsAnswered) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  const auto answer = runtime->create_container(request);
  ASSERT_TRUE(answer.adjust().linux().has_seccomp_policy());
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, answer));
  EXPECT_FALSE(verdict.reject()) << verdict.reason();
  EXPECT_EQ(engine->stats().validated, 1u);
}

TEST_F(InProcess, ValidationRejectsAPolicyOwnedByAnotherPlugin) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  const auto answer = runtime->create_container(request);
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, answer, "20-other"));
  EXPECT_TRUE(verdict.reject());
  EXPECT_NE(verdict.reason().find("container app: validation: the container's seccomp policy is owned by plugin "
                                  "20-other, not 10-seccomp"),
            std::string::npos)
      << verdict.reason();
}

TEST_F(InProcess, ValidationRejectsAChangedPolicy) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  auto answer = runtime->create_container(request);
  // Someone allowed mkdirat again after we answered.
  ASSERT_EQ(action_of(answer, "mkdirat"), seccomp::Action::errno_ret);
  auto* allow = answer.mutable_adjust()->mutable_linux()->mutable_seccomp_policy()->add_syscalls();
  allow->add_names("mkdirat");
  allow->set_action("SCMP_ACT_ALLOW");
  ASSERT_EQ(action_of(answer, "mkdirat"), seccomp::Action::allow);
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, answer));
  EXPECT_TRUE(verdict.reject());
  EXPECT_NE(verdict.reason().find("is not the one the plugin decided (profiles block-mkdir, policy "), std::string::npos)
      << verdict.reason();
}

TEST_F(InProcess, ValidationRejectsAnAnswerTheRuntimeDidNotApply) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  runtime->create_container(request);
  // The runtime closed us on a timeout and went on without our adjustment.
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, api::CreateContainerResponse()));
  EXPECT_TRUE(verdict.reject());
  EXPECT_NE(verdict.reason().find("sets no seccomp policy owned by 10-seccomp, though the plugin decided profiles "
                                  "block-mkdir"),
            std::string::npos)
      << verdict.reason();
}

TEST_F(InProcess, ValidationRejectsAContainerItNeverAnswered) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, api::CreateContainerResponse()));
  EXPECT_TRUE(verdict.reject());
  EXPECT_NE(verdict.reason().find("has no CreateContainer answer of its own for this container"), std::string::npos)
      << verdict.reason();
  // An answer is checked once: a second validation of the same answer finds none.
  const auto answer = runtime->create_container(request);
  EXPECT_FALSE(runtime->validate(TestRuntime::validation_request(request, answer)).reject());
  EXPECT_TRUE(runtime->validate(TestRuntime::validation_request(request, answer)).reject());
}

TEST_F(InProcess, ValidationApprovesAnUntouchedContainer) {
  start();
  auto plain = nri_seccomp::testing::make_realistic_create_request();
  plain.mutable_pod()->mutable_annotations()->erase("seccomp.noderesource.dev/container.app");
  const auto answer = runtime->create_container(plain);
  ASSERT_FALSE(answer.adjust().linux().has_seccomp_policy());
  const auto verdict = runtime->validate(TestRuntime::validation_request(plain, answer));
  EXPECT_FALSE(verdict.reject()) << verdict.reason();
}

TEST_F(InProcess, ValidationRejectsARuntimeOverrideAddedByAnotherPlugin) {
  start();
  const auto request = nri_seccomp::testing::make_realistic_create_request();
  auto answer = runtime->create_container(request);
  (*answer.mutable_adjust()->mutable_annotations())["run.oci.seccomp_bpf_data"] = "AAAA";
  const auto verdict = runtime->validate(TestRuntime::validation_request(request, answer));
  EXPECT_TRUE(verdict.reject());
  EXPECT_NE(verdict.reason().find("annotations run.oci.seccomp_bpf_data in the final adjustment"), std::string::npos)
      << verdict.reason();
}

TEST_F(InProcess, ValidationIsNotSubscribedOnARuntimeWithoutIt) {
  // containerd 2.1.9's NRI (0.8) refuses a plugin that subscribes to an event
  // it does not know: the whole registration would fail.
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
  runtime->accept_plugin();
  EXPECT_EQ(runtime->configure({.name = "containerd", .version = "2.1.9+unknown", .nri_version = ""}).events(), 1 << 3);
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
