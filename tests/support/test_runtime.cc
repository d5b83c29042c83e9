#include "test_runtime.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "transport/frame.h"
#include "transport/ttrpc_message.h"
#include "ttrpc.pb.h"

namespace nri_seccomp::testing {
namespace {

constexpr const char* kPlugin = "nri.pkg.api.v1alpha1.Plugin";
constexpr const char* kRuntime = "nri.pkg.api.v1alpha1.Runtime";

[[noreturn]] void sys_fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

template <typename Message>
Message parse_or_throw(const std::string& bytes, const char* what) {
  Message message;
  if (!message.ParseFromString(bytes)) throw std::runtime_error(std::string("bad ") + what + " from plugin");
  return message;
}

}  // namespace

TestRuntime::TestRuntime(std::string socket_path) : socket_path_(std::move(socket_path)) { listen(); }

std::unique_ptr<TestRuntime> TestRuntime::adopt(int connected_fd) {
  std::unique_ptr<TestRuntime> runtime(new TestRuntime());
  runtime->pending_adopted_fd_ = connected_fd;
  return runtime;
}

TestRuntime::~TestRuntime() { stop(); }

void TestRuntime::listen() {
  ::unlink(socket_path_.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) sys_fail("socket");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(address.sun_path)) throw std::runtime_error("socket path too long");
  std::memcpy(address.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) sys_fail("bind " + socket_path_);
  if (::listen(listen_fd_, 4) != 0) sys_fail("listen");
}

void TestRuntime::start_connection(int fd) {
  raw_fd_ = ::dup(fd);
  {
    std::lock_guard lock(mutex_);
    registered_ = false;
    closed_ = false;
  }
  mux_ = std::make_unique<transport::Mux>(fd);
  server_ = std::make_unique<transport::TtrpcServer>();
  client_ = std::make_unique<transport::TtrpcClient>();
  server_->add_method(kRuntime, "RegisterPlugin",
                      [this](std::string_view payload, const transport::CallContext&, std::string& out) {
                        api::RegisterPluginRequest request;
                        if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
                          throw transport::RpcError(transport::StatusCode::invalid_argument,
                                                    "bad RegisterPluginRequest");
                        }
                        std::lock_guard lock(mutex_);
                        plugin_name_ = request.plugin_name();
                        plugin_index_ = request.plugin_idx();
                        plugin_nri_version_ = request.nri_version();
                        registered_ = true;
                        cv_.notify_all();
                        api::Empty().SerializeToString(&out);
                      });
  // Roles are mirrored: the runtime serves conn 2 and calls the plugin on conn 1.
  server_->attach(*mux_, transport::kRuntimeServiceConn);
  client_->attach(*mux_, transport::kPluginServiceConn);
  mux_->set_on_close([this](const std::string&) {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  });
  mux_->start();
}

void TestRuntime::accept_plugin(std::chrono::milliseconds timeout) {
  close_connection();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (pending_adopted_fd_) {
    start_connection(*pending_adopted_fd_);
    pending_adopted_fd_.reset();
  } else {
    if (listen_fd_ < 0) throw std::runtime_error("test runtime is stopped");
    pollfd p{listen_fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) throw std::runtime_error("no plugin connected to " + socket_path_ + " in time");
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) sys_fail("accept");
    start_connection(fd);
  }
  std::unique_lock lock(mutex_);
  if (!cv_.wait_until(lock, deadline, [this] { return registered_ || closed_; }) || !registered_) {
    throw std::runtime_error("plugin connected but did not register");
  }
}

api::ConfigureResponse TestRuntime::configure(const RuntimeIdentity& identity) {
  api::ConfigureRequest request;
  request.set_config(identity.config);
  request.set_runtime_name(identity.name);
  request.set_runtime_version(identity.version);
  request.set_registration_timeout(identity.registration_timeout_ms);
  request.set_request_timeout(identity.request_timeout_ms);
  request.set_nri_version(identity.nri_version);
  return parse_or_throw<api::ConfigureResponse>(call("Configure", request.SerializeAsString()),
                                                "ConfigureResponse");
}

std::vector<api::SynchronizeResponse> TestRuntime::synchronize(const std::vector<api::PodSandbox>& pods,
                                                               const std::vector<api::Container>& containers,
                                                               int chunks) {
  chunks = std::max(chunks, 1);
  std::vector<api::SynchronizeResponse> responses;
  size_t pods_per = (pods.size() + chunks - 1) / chunks;
  size_t containers_per = (containers.size() + chunks - 1) / chunks;
  for (int c = 0; c < chunks; ++c) {
    api::SynchronizeRequest request;
    for (size_t i = c * pods_per; i < std::min(pods.size(), (c + 1) * pods_per); ++i) *request.add_pods() = pods[i];
    for (size_t i = c * containers_per; i < std::min(containers.size(), (c + 1) * containers_per); ++i) {
      *request.add_containers() = containers[i];
    }
    request.set_more(c + 1 < chunks);
    responses.push_back(parse_or_throw<api::SynchronizeResponse>(
        call("Synchronize", request.SerializeAsString()), "SynchronizeResponse"));
  }
  return responses;
}

void TestRuntime::handshake(const RuntimeIdentity& identity) {
  accept_plugin();
  configure(identity);
  synchronize();
}

api::CreateContainerResponse TestRuntime::create_container(const api::CreateContainerRequest& request,
                                                           std::chrono::milliseconds timeout) {
  return parse_or_throw<api::CreateContainerResponse>(
      call("CreateContainer", request.SerializeAsString(), timeout), "CreateContainerResponse");
}

api::ValidateContainerAdjustmentRequest TestRuntime::validation_request(const api::CreateContainerRequest& request,
                                                                       const api::CreateContainerResponse& answer,
                                                                       const std::string& owner) {
  api::ValidateContainerAdjustmentRequest validate;
  *validate.mutable_pod() = request.pod();
  *validate.mutable_container() = request.container();
  *validate.mutable_adjust() = answer.adjust();
  if (!owner.empty() && answer.adjust().linux().has_seccomp_policy()) {
    // NRI's api.Field SeccompPolicy = 32.
    (*(*validate.mutable_owners()->mutable_owners())[request.container().id()].mutable_simple())[32] = owner;
  }
  return validate;
}

api::ValidateContainerAdjustmentResponse TestRuntime::validate(const api::ValidateContainerAdjustmentRequest& request,
                                                               std::chrono::milliseconds timeout) {
  return parse_or_throw<api::ValidateContainerAdjustmentResponse>(
      call("ValidateContainerAdjustment", request.SerializeAsString(), timeout), "ValidateContainerAdjustmentResponse");
}

std::string TestRuntime::call(std::string_view method, std::string_view payload,
                              std::chrono::milliseconds timeout) {
  if (!client_) throw std::runtime_error("no plugin connection");
  return client_->call(kPlugin, method, payload, timeout);
}

void TestRuntime::shutdown_plugin() { call("Shutdown", api::Empty().SerializeAsString()); }

void TestRuntime::close_during_create(const api::CreateContainerRequest& request, size_t bytes) {
  ttrpc::Request envelope;
  envelope.set_service(kPlugin);
  envelope.set_method("CreateContainer");
  envelope.set_payload(request.SerializeAsString());
  envelope.set_timeout_nano(2'000'000'000);
  std::string body = envelope.SerializeAsString();
  transport::MessageHeader header;
  header.length = static_cast<uint32_t>(body.size());
  header.stream_id = 0x7ffffff1;  // an odd id our client never reaches
  header.type = transport::MessageType::request;
  auto header_bytes = transport::encode_header(header);
  transport::FrameEncoder encoder;
  encoder.encode(transport::kPluginServiceConn,
                 {std::string_view(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size()), body});
  std::string wire;
  for (const auto& v : encoder.iov()) wire.append(static_cast<const char*>(v.iov_base), v.iov_len);
  send_raw(std::string_view(wire).substr(0, std::min(bytes, wire.size())));
  close_connection();
}

void TestRuntime::send_raw(std::string_view bytes) {
  if (raw_fd_ < 0) throw std::runtime_error("no plugin connection");
  while (!bytes.empty()) {
    ssize_t n = ::send(raw_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      sys_fail("send");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void TestRuntime::close_connection() {
  if (mux_) {
    mux_->close("test runtime closed the connection");
    mux_->join();
  }
  client_.reset();
  server_.reset();
  mux_.reset();
  if (raw_fd_ >= 0) ::close(raw_fd_);
  raw_fd_ = -1;
}

bool TestRuntime::connected() const {
  std::lock_guard lock(mutex_);
  return mux_ && !closed_;
}

bool TestRuntime::wait_disconnected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return closed_; });
}

std::string TestRuntime::close_reason() const { return mux_ ? mux_->close_reason() : std::string(); }

void TestRuntime::stop() {
  close_connection();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(socket_path_.c_str());
  }
}

void TestRuntime::restart() {
  stop();
  listen();
}

}  // namespace nri_seccomp::testing
