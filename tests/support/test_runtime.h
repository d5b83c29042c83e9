// A C++ stand-in for containerd's NRI side, over a real unix socket: listens
// on a path, accepts the plugin, serves Runtime.RegisterPlugin, and drives
// the Plugin service (Configure, Synchronize with optional `more` chunks,
// CreateContainer, Shutdown). It can misbehave on purpose: close abruptly,
// close mid-request, write garbage, stop and listen again on the same path.
//
// Not thread-safe for concurrent control calls from several test threads,
// except create_container() which may run concurrently with itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nri.pb.h"
#include "transport/mux.h"
#include "transport/rpc_error.h"
#include "transport/ttrpc_client.h"
#include "transport/ttrpc_server.h"

namespace nri_seccomp::testing {

namespace api = ::nri::pkg::api::v1alpha1;
using namespace std::chrono_literals;

// What the runtime announces in ConfigureRequest.
struct RuntimeIdentity {
  std::string name = "containerd";
  std::string version = "v2.3.4";
  std::string nri_version = "v0.12.0";
  std::string config;  // the plugin's conf.d text
  int64_t registration_timeout_ms = 5000;
  int64_t request_timeout_ms = 2000;
};

class TestRuntime {
 public:
  // Listens on `socket_path` (removing a stale socket file first).
  explicit TestRuntime(std::string socket_path);
  // Uses an already connected socket (the runtime's end of a socketpair, for
  // runtime-launched plugins); no listener. Call accept_plugin() as usual.
  static std::unique_ptr<TestRuntime> adopt(int connected_fd);
  ~TestRuntime();
  TestRuntime(const TestRuntime&) = delete;
  TestRuntime& operator=(const TestRuntime&) = delete;

  const std::string& socket_path() const { return socket_path_; }

  // Accepts one plugin connection and waits until it called RegisterPlugin.
  // Throws std::runtime_error on timeout.
  void accept_plugin(std::chrono::milliseconds timeout = 5s);
  const std::string& plugin_name() const { return plugin_name_; }
  const std::string& plugin_index() const { return plugin_index_; }
  const std::string& plugin_nri_version() const { return plugin_nri_version_; }

  api::ConfigureResponse configure(const RuntimeIdentity& identity = {});
  // Sends the state in `chunks` calls (more=true on all but the last) and
  // returns every response.
  std::vector<api::SynchronizeResponse> synchronize(const std::vector<api::PodSandbox>& pods = {},
                                                     const std::vector<api::Container>& containers = {},
                                                     int chunks = 1);
  // accept_plugin + configure + synchronize.
  void handshake(const RuntimeIdentity& identity = {});

  // Throws transport::RpcError with the plugin's status on refusal.
  api::CreateContainerResponse create_container(const api::CreateContainerRequest& request,
                                                std::chrono::milliseconds timeout = 2s);
  // What NRI does after every plugin answered: the validation request for
  // `request`'s container with `answer` as the final adjustment, owned by
  // `owner` ("10-seccomp"; empty: no owner recorded).
  static api::ValidateContainerAdjustmentRequest validation_request(const api::CreateContainerRequest& request,
                                                                    const api::CreateContainerResponse& answer,
                                                                    const std::string& owner = "10-seccomp");
  api::ValidateContainerAdjustmentResponse validate(const api::ValidateContainerAdjustmentRequest& request,
                                                    std::chrono::milliseconds timeout = 2s);
  // Any Plugin method with a raw payload; returns the raw response payload.
  std::string call(std::string_view method, std::string_view payload,
                   std::chrono::milliseconds timeout = 2s);
  void shutdown_plugin();

  // Writes the first `bytes` bytes of a framed CreateContainer request (all
  // of it if larger) and closes the connection without waiting.
  void close_during_create(const api::CreateContainerRequest& request, size_t bytes = SIZE_MAX);
  // Writes raw bytes on the socket, bypassing framing.
  void send_raw(std::string_view bytes);
  // Drops the plugin connection abruptly (the listener stays).
  void close_connection();
  bool connected() const;
  // Waits until the plugin side closed the connection.
  bool wait_disconnected(std::chrono::milliseconds timeout = 5s);
  std::string close_reason() const;

  // Closes the connection and the listener and removes the socket file.
  void stop();
  // Listens again on the same path after stop().
  void restart();

 private:
  TestRuntime() = default;
  void listen();
  void start_connection(int fd);

  std::string socket_path_;
  int listen_fd_ = -1;
  int raw_fd_ = -1;  // dup of the connection fd for send_raw
  std::unique_ptr<transport::Mux> mux_;
  std::unique_ptr<transport::TtrpcServer> server_;
  std::unique_ptr<transport::TtrpcClient> client_;
  std::optional<int> pending_adopted_fd_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool registered_ = false;
  bool closed_ = false;
  std::string plugin_name_, plugin_index_, plugin_nri_version_;
};

}  // namespace nri_seccomp::testing
