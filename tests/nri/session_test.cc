// The daemon (`nri-seccomp run`) against the test runtime over real unix
// sockets: handshake, CreateContainer, reconnects, hostile runtimes,
// identity checks, runtime-launched mode and signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "daemon_process.h"
#include "realistic_request.h"
#include "test_runtime.h"
#include "transport/frame.h"

namespace nri_seccomp::testing {
namespace {

const std::string kProfilesDir = NRI_SECCOMP_SOURCE_DIR "/config/profiles";

class DaemonTest : public ::testing::Test {
 protected:
  std::string socket() const { return dir_.file("nri.sock"); }

  std::unique_ptr<DaemonProcess> start_daemon(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--socket", socket(), "--name", "seccomp", "--idx", "10",
                                     "--profiles-dir", kProfilesDir};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<DaemonProcess>(DaemonProcess::Spawn{.args = args});
  }

  // The realistic request's container asks for block-mkdir by annotation:
  // the daemon answers with the merged policy.
  static void expect_create_works(TestRuntime& runtime) {
    auto response = runtime.create_container(make_realistic_create_request());
    EXPECT_TRUE(response.adjust().linux().has_seccomp_policy());
    EXPECT_EQ(response.adjust().annotations().at("seccomp.noderesource.dev/applied-profiles"), "block-mkdir");
  }

  TempDir dir_;
};

TEST_F(DaemonTest, RegistersConfiguresSynchronizesAndServesCreateContainer) {
  TestRuntime runtime(socket());
  auto daemon = start_daemon();
  runtime.accept_plugin();
  EXPECT_EQ(runtime.plugin_name(), "seccomp");
  EXPECT_EQ(runtime.plugin_index(), "10");
  ASSERT_TRUE(daemon->wait_for_log("plugin_registered name=seccomp idx=10"));

  auto configured = runtime.configure();
  EXPECT_EQ(configured.events(), (1 << 3) | (1 << 13))
      << "must subscribe to CREATE_CONTAINER and VALIDATE_CONTAINER_ADJUSTMENT on containerd 2.3";
  EXPECT_EQ(runtime.plugin_nri_version(), "v0.12.0");
  EXPECT_TRUE(daemon->wait_for_log("configured runtime=containerd version=v2.3.4 nri_version=v0.12.0"));

  std::vector<api::PodSandbox> pods(3);
  std::vector<api::Container> containers(5);
  for (size_t i = 0; i < pods.size(); ++i) pods[i].set_name("pod-" + std::to_string(i));
  for (size_t i = 0; i < containers.size(); ++i) containers[i].set_name("ctr-" + std::to_string(i));
  auto sync = runtime.synchronize(pods, containers, 3);
  ASSERT_EQ(sync.size(), 3u);
  EXPECT_TRUE(sync[0].more());
  EXPECT_TRUE(sync[1].more());
  EXPECT_FALSE(sync[2].more());
  for (const auto& s : sync) EXPECT_EQ(s.update_size(), 0);
  EXPECT_TRUE(daemon->wait_for_log("synchronized pods=3 containers=5"));

  expect_create_works(runtime);
  EXPECT_TRUE(daemon->wait_for_log(
      "decision namespace=default pod=demo-7d9f8c6b5-x2k4q container=app base=current-policy profiles=block-mkdir "
      "mode=enforce outcome=applied"));

  try {
    runtime.call("StartContainer", "");
    FAIL() << "unsubscribed method answered OK";
  } catch (const transport::RpcError& e) {
    EXPECT_EQ(e.status(), transport::StatusCode::unimplemented);
  }
  try {
    runtime.call("CreateContainer", std::string("\xff\xff\xff", 3));
    FAIL() << "garbage payload accepted";
  } catch (const transport::RpcError& e) {
    EXPECT_EQ(e.status(), transport::StatusCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("CreateContainerRequest"), std::string::npos);
  }
  runtime.shutdown_plugin();
  EXPECT_TRUE(daemon->wait_for_log("runtime_shutdown"));
}

TEST_F(DaemonTest, ConnectsOnceTheRuntimeAppearsAndReconnectsAfterRestart) {
  auto daemon = start_daemon();
  ASSERT_TRUE(daemon->wait_for_log("connect_failed"));
  ASSERT_TRUE(daemon->wait_for_log("reconnecting attempt=1 delay_ms=100"));
  TestRuntime runtime(socket());
  runtime.handshake();
  expect_create_works(runtime);

  runtime.stop();
  ASSERT_TRUE(daemon->wait_for_log("connection_lost"));
  runtime.restart();
  runtime.handshake();
  expect_create_works(runtime);
  EXPECT_EQ(daemon->count_in_log("plugin_registered"), 2u);
  // Backoff restarts from the initial delay after a successful registration.
  EXPECT_TRUE(daemon->wait_for_log("reconnecting attempt=1 delay_ms=100", 5s, 2));
}

TEST_F(DaemonTest, RuntimeClosingMidRequestIsSurvived) {
  TestRuntime runtime(socket());
  auto daemon = start_daemon();
  runtime.handshake();
  auto request = make_realistic_create_request();

  runtime.close_during_create(request, 6000);  // cut inside the frames
  ASSERT_TRUE(daemon->wait_for_log("connection_lost reason=\"peer closed the connection in the middle of a frame\""));
  runtime.handshake();
  expect_create_works(runtime);

  runtime.close_during_create(request);  // whole request, then gone before the answer
  ASSERT_TRUE(daemon->wait_for_log("connection_lost", 5s, 2));
  runtime.handshake();
  expect_create_works(runtime);
  EXPECT_TRUE(daemon->running());
}

TEST_F(DaemonTest, GarbageFromTheRuntimeIsLoggedAndTheDaemonReconnects) {
  TestRuntime runtime(socket());
  auto daemon = start_daemon();
  runtime.handshake();
  runtime.send_raw(std::string("\x00\x00\x00\x00\x00\x00\x00\x04junk", 12));
  ASSERT_TRUE(daemon->wait_for_log("reserved connection id 0"));
  EXPECT_TRUE(runtime.wait_disconnected());
  runtime.handshake();
  expect_create_works(runtime);

  // A frame for conn 1 carrying a ttrpc header with an unknown type.
  std::string bad("\x00\x00\x00\x01\x00\x00\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x01\x08\x00", 18);
  runtime.send_raw(bad);
  ASSERT_TRUE(daemon->wait_for_log("ttrpc message with unknown type 8"));
  runtime.handshake();
  expect_create_works(runtime);
  EXPECT_TRUE(daemon->running());
}

TEST_F(DaemonTest, BadNameOrIndexIsRefused) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  std::vector<Case> cases = {
      {{"run", "--socket", socket(), "--name", "bad/name"}, "invalid plugin name 'bad/name'"},
      {{"run", "--socket", socket(), "--name", ""}, "invalid plugin name ''"},
      {{"run", "--socket", socket(), "--idx", "100"}, "invalid plugin index '100'"},
      {{"run", "--socket", socket(), "--idx", "x1"}, "invalid plugin index 'x1'"},
  };
  for (const auto& c : cases) {
    DaemonProcess daemon({.args = c.args});
    auto code = daemon.wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << c.message;
    EXPECT_EQ(*code, 1) << c.message;
    EXPECT_NE(daemon.log().find(c.message), std::string::npos) << daemon.log();
  }
}

TEST_F(DaemonTest, RuntimeLaunchedModeUsesTheInheritedSocketAndExitsOnDisconnect) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  DaemonProcess daemon({.args = {"run", "--profiles-dir", kProfilesDir},
                        .env = {"NRI_PLUGIN_SOCKET=" + std::to_string(fds[1]), "NRI_PLUGIN_NAME=seccomp-launched",
                                "NRI_PLUGIN_IDX=05"},
                        .inherit_fds = {fds[1]}});
  ::close(fds[1]);
  auto runtime = TestRuntime::adopt(fds[0]);
  runtime->accept_plugin();
  EXPECT_EQ(runtime->plugin_name(), "seccomp-launched");
  EXPECT_EQ(runtime->plugin_index(), "05");
  runtime->configure();
  runtime->synchronize();
  expect_create_works(*runtime);
  EXPECT_TRUE(daemon.wait_for_log("mode=runtime-launched"));

  runtime->close_connection();
  auto code = daemon.wait_exit(5s);
  ASSERT_TRUE(code.has_value()) << daemon.log();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(daemon.count_in_log("reconnecting"), 0u);
}

TEST_F(DaemonTest, SigtermStopsCleanlyWhileConnectedAndWhileWaiting) {
  {
    TestRuntime runtime(socket());
    auto daemon = start_daemon();
    runtime.handshake();
    daemon->send_signal(SIGTERM);
    auto code = daemon->wait_exit(5s);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
    EXPECT_NE(daemon->log().find("signal_received signal=SIGTERM"), std::string::npos);
    EXPECT_TRUE(runtime.wait_disconnected());
  }
  {
    auto daemon = start_daemon();  // no runtime: sits in backoff
    ASSERT_TRUE(daemon->wait_for_log("reconnecting"));
    daemon->send_signal(SIGINT);
    auto code = daemon->wait_exit(5s);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
  }
}

}  // namespace
}  // namespace nri_seccomp::testing
