#include "nri/session.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "nri/plugin_identity.h"
#include "nri/plugin_service.h"
#include "transport/mux.h"
#include "transport/ttrpc_client.h"
#include "transport/ttrpc_server.h"

namespace nri_seccomp::nri {

SessionOptions with_launch_environment(SessionOptions options) {
  if (auto env = launch_environment()) {
    options.adopted_fd = env->socket_fd;
    if (env->name) options.name = *env->name;
    if (env->index) options.index = *env->index;
  }
  return options;
}

Session::Session(SessionOptions options, Handler& handler) : options_(std::move(options)), handler_(handler) {
  check_plugin_name(options_.name);
  check_plugin_index(options_.index);
}

void Session::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  if (current_ != nullptr) current_->close("plugin stopping");
  cv_.notify_all();
}

bool Session::wait_stop_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, delay, [this] { return stopping_; });
}

int Session::connect_socket(std::string& error) const {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (options_.socket_path.size() >= sizeof(address.sun_path)) {
    error = fmt::format("socket path '{}' is too long", options_.socket_path);
    return -1;
  }
  std::memcpy(address.sun_path, options_.socket_path.c_str(), options_.socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = fmt::format("socket(): {}", std::strerror(errno));
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    error = fmt::format("connect {}: {}", options_.socket_path, std::strerror(errno));
    ::close(fd);
    return -1;
  }
  return fd;
}

int Session::run() {
  const bool launched = options_.adopted_fd >= 0;
  auto backoff = options_.initial_backoff;
  int attempt = 0;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return 0;
    }
    int fd = options_.adopted_fd;
    std::string reason;
    bool registered = false;
    if (!launched) fd = connect_socket(reason);
    if (fd >= 0) {
      log::info("connecting", {{"mode", launched ? "runtime-launched" : "external"},
                               {"socket", launched ? fmt::format("fd {}", fd) : options_.socket_path},
                               {"name", options_.name},
                               {"idx", options_.index}});
      reason = serve(fd, registered);
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return 0;
      }
      log::warn("connection_lost", {{"reason", reason}});
      handler_.on_disconnected();
      if (launched) {
        // The runtime launched us and owns our lifetime: no reconnecting.
        return reason == "peer closed the connection" ? 0 : 1;
      }
    } else {
      log::warn("connect_failed", {{"socket", options_.socket_path}, {"reason", reason}});
    }
    if (registered) {
      backoff = options_.initial_backoff;
      attempt = 0;
    }
    ++attempt;
    log::info("reconnecting", {{"attempt", attempt},
                               {"delay_ms", backoff.count()}});
    if (wait_stop_for(backoff)) return 0;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

std::string Session::serve(int fd, bool& registered) {
  transport::Mux mux(fd);
  transport::TtrpcServer server;
  transport::TtrpcClient client;
  PluginService service(
      handler_,
      {.configured =
           [this](const RuntimeInfo& runtime) {
             std::lock_guard lock(mutex_);
             configured_ = true;
             if (runtime.registration_timeout_ms > 0) {
               options_.registration_timeout = std::chrono::milliseconds(runtime.registration_timeout_ms);
             }
             cv_.notify_all();
           },
       .synchronized = [this] { handler_.on_registered(); },
       .shutdown = {}},
      options_.index + "-" + options_.name);
  service.register_methods(server);
  server.attach(mux, transport::kPluginServiceConn);
  client.attach(mux, transport::kRuntimeServiceConn);
  mux.set_on_close([this](const std::string&) {
    std::lock_guard lock(mutex_);
    connection_closed_ = true;
    cv_.notify_all();
  });
  {
    std::lock_guard lock(mutex_);
    connection_closed_ = false;
    configured_ = false;
    current_ = &mux;
    if (stopping_) mux.close("plugin stopping");
  }
  mux.start();

  try {
    api::RegisterPluginRequest request;
    request.set_plugin_name(options_.name);
    request.set_plugin_idx(options_.index);
    // The NRI protocol revision our messages follow (runtimes log it).
    request.set_nri_version(kNriProtocolVersion);
    client.call(kRuntimeService, "RegisterPlugin", request.SerializeAsString(),
                options_.registration_timeout);
    registered = true;
    log::info("plugin_registered", {{"name", options_.name}, {"idx", options_.index},
                                    {"socket", options_.adopted_fd >= 0 ? "runtime-launched" : options_.socket_path}});
  } catch (const Error& e) {
    log::error("registration_failed", {{"name", options_.name}, {"idx", options_.index}, {"reason", e.what()}});
    mux.close(fmt::format("registration failed: {}", e.what()));
  }

  std::unique_lock lock(mutex_);
  if (registered) {
    // The runtime configures us right after accepting the registration; one
    // that never does would leave us connected but useless.
    bool ok = cv_.wait_for(lock, options_.registration_timeout,
                             [this] { return configured_ || connection_closed_ || stopping_; });
    if (!ok) {
      lock.unlock();
      mux.close("runtime did not send Configure within the registration timeout");
      lock.lock();
    }
  }
  cv_.wait(lock, [this] { return connection_closed_ || stopping_; });
  // Only a configured plugin counts as registered for the backoff reset: a
  // runtime that accepts RegisterPlugin but fails Configure every time must
  // not be hammered every initial_backoff.
  registered = registered && configured_;
  current_ = nullptr;
  lock.unlock();
  mux.close("plugin stopping");
  mux.join();
  return mux.close_reason();
}

}  // namespace nri_seccomp::nri
