// The Session library in-process with test Handlers: what a policy layer's
// refusals and callbacks look like from the runtime's side.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "daemon_process.h"
#include "nri/session.h"
#include "realistic_request.h"
#include "test_runtime.h"

namespace nri_seccomp::testing {
namespace {

class ScriptedHandler : public nri::Handler {
 public:
  // Handlers run on the session's reader thread; the test reads on its own.
  void configure(const nri::RuntimeInfo& runtime, std::string_view config) override {
    std::lock_guard lock(mutex);
    seen_runtime = runtime;
    seen_config = std::string(config);
    if (config == "refuse") fail("nri-seccomp: config rejected: line 1: refuse");
  }
  void synchronize(const api::SynchronizeRequest& request) override {
    synced_pods = request.pods_size();
    synced_containers = request.containers_size();
  }
  void create_container(const api::CreateContainerRequest& request,
                        api::CreateContainerResponse& response) override {
    if (request.container().name() == "refused") {
      fail("nri-seccomp: pod {}/{} container {}: profile block-mkdir: refused for the test",
           request.pod().namespace_(), request.pod().name(), request.container().name());
    }
    if (request.container().name() == "crash") throw std::runtime_error("handler bug");
    auto* policy = response.mutable_adjust()->mutable_linux()->mutable_seccomp_policy();
    *policy = request.container().linux().seccomp_policy();
    auto* rule = policy->add_syscalls();
    rule->add_names("mkdir");
    rule->set_action("SCMP_ACT_ERRNO");
  }
  void on_registered() override { ++registered; }
  void on_disconnected() override { ++disconnected; }

  std::mutex mutex;
  nri::RuntimeInfo seen_runtime;  // guarded by mutex
  std::string seen_config;        // guarded by mutex
  std::atomic<int> synced_pods{-1}, synced_containers{-1};
  std::atomic<int> registered{0}, disconnected{0};
};

class InProcessSession : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime_ = std::make_unique<TestRuntime>(dir_.file("nri.sock"));
    nri::SessionOptions options;
    options.socket_path = runtime_->socket_path();
    options.name = "seccomp";
    options.index = "42";
    session_ = std::make_unique<nri::Session>(options, handler_);
    thread_ = std::thread([this] { exit_code_ = session_->run(); });
  }
  void TearDown() override {
    session_->stop();
    thread_.join();
    EXPECT_EQ(exit_code_, 0);
  }

  TempDir dir_;
  ScriptedHandler handler_;
  std::unique_ptr<TestRuntime> runtime_;
  std::unique_ptr<nri::Session> session_;
  std::thread thread_;
  int exit_code_ = -1;
};

TEST_F(InProcessSession, HandlerSeesRuntimeAndSyncAndItsAdjustmentReachesTheRuntime) {
  RuntimeIdentity identity;
  identity.name = "containerd";
  identity.version = "2.1.9+unknown";
  identity.nri_version = "";
  identity.config = "profileDirs: [/etc/nri-seccomp/profiles]";
  identity.request_timeout_ms = 1500;
  runtime_->accept_plugin();
  EXPECT_EQ(runtime_->plugin_index(), "42");
  runtime_->configure(identity);
  std::lock_guard lock(handler_.mutex);
  EXPECT_EQ(handler_.seen_runtime.name, "containerd");
  EXPECT_EQ(handler_.seen_runtime.version, "2.1.9+unknown");
  EXPECT_EQ(handler_.seen_runtime.nri_version, "");
  EXPECT_EQ(handler_.seen_runtime.request_timeout_ms, 1500);
  EXPECT_EQ(handler_.seen_config, identity.config);
  EXPECT_EQ(handler_.registered.load(), 0) << "not ready before Synchronize";

  std::vector<api::PodSandbox> pods(4);
  std::vector<api::Container> containers(6);
  runtime_->synchronize(pods, containers, 2);
  EXPECT_EQ(handler_.synced_pods, 4) << "chunks must be merged before the handler sees them";
  EXPECT_EQ(handler_.synced_containers, 6);
  EXPECT_EQ(handler_.registered.load(), 1);

  auto request = make_realistic_create_request();
  auto response = runtime_->create_container(request);
  const auto& policy = response.adjust().linux().seccomp_policy();
  EXPECT_EQ(policy.default_action(), "SCMP_ACT_ERRNO");
  ASSERT_EQ(policy.syscalls_size(), 2);
  EXPECT_EQ(policy.syscalls(1).names(0), "mkdir");
}

TEST_F(InProcessSession, RefusalsReachTheRuntimeWithTheirMessage) {
  runtime_->handshake();
  auto request = make_realistic_create_request();
  request.mutable_container()->set_name("refused");
  try {
    runtime_->create_container(request);
    FAIL() << "refusal not delivered";
  } catch (const transport::RpcError& e) {
    EXPECT_EQ(e.status(), transport::StatusCode::unknown);
    EXPECT_STREQ(e.what(),
                 "nri-seccomp: pod default/demo-7d9f8c6b5-x2k4q container refused: profile block-mkdir: refused for the test");
  }
  request.mutable_container()->set_name("crash");
  try {
    runtime_->create_container(request);
    FAIL();
  } catch (const transport::RpcError& e) {
    EXPECT_EQ(e.status(), transport::StatusCode::internal);
  }
  // The connection is still good for the next container.
  request.mutable_container()->set_name("app");
  EXPECT_TRUE(runtime_->create_container(request).adjust().linux().has_seccomp_policy());
}

TEST_F(InProcessSession, ConfigureRefusalFailsConfigureAndDisconnectIsReported) {
  runtime_->accept_plugin();
  RuntimeIdentity identity;
  identity.config = "refuse";
  try {
    runtime_->configure(identity);
    FAIL() << "configure refusal not delivered";
  } catch (const transport::RpcError& e) {
    EXPECT_NE(std::string(e.what()).find("config rejected: line 1"), std::string::npos);
  }
  runtime_->close_connection();
  // The session notices, tells the handler, and comes back.
  runtime_->accept_plugin();
  EXPECT_GE(handler_.disconnected.load(), 1);
  runtime_->configure();
  runtime_->synchronize();
  EXPECT_EQ(handler_.registered.load(), 1);
}

}  // namespace
}  // namespace nri_seccomp::testing
