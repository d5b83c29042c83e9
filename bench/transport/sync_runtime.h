// A minimal single-threaded runtime for the benchmark: the thread that sends
// a request also reads the answer, so a round trip costs one thread wake-up
// on this side (as little as a runtime can do) and the measurement shows the
// plugin's share. Only what the benchmark needs: accept, answer
// RegisterPlugin, call Configure/Synchronize/CreateContainer.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nri.pb.h"
#include "transport/frame.h"
#include "transport/ttrpc_message.h"
#include "ttrpc.pb.h"

namespace nri_seccomp::bench {

using namespace nri_seccomp::transport;

class SyncRuntime {
 public:
  explicit SyncRuntime(const std::string& path) {
    ::unlink(path.c_str());
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 1) != 0) {
      throw std::runtime_error("sync runtime: cannot listen on " + path);
    }
  }
  ~SyncRuntime() {
    if (fd_ >= 0) ::close(fd_);
    ::close(listen_fd_);
  }

  // Accepts the plugin and answers its RegisterPlugin.
  void accept_and_register() {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) throw std::runtime_error("sync runtime: no plugin connected");
    fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    Message m = next();
    if (m.conn != kRuntimeServiceConn || m.header.type != MessageType::request) {
      throw std::runtime_error("sync runtime: expected RegisterPlugin");
    }
    send(kRuntimeServiceConn, m.header.stream_id, MessageType::response, std::string("\x0a\x00", 2));
  }

  // Calls a Plugin method; returns the response payload or throws.
  std::string call(const char* method, const std::string& payload) {
    ttrpc::Request request;
    request.set_service("nri.pkg.api.v1alpha1.Plugin");
    request.set_method(method);
    request.set_payload(payload);
    request.set_timeout_nano(2'000'000'000);
    return call_serialized(request.SerializeAsString());
  }

  // Envelope already serialized (reuse it to keep this side's cost constant).
  std::string call_serialized(const std::string& envelope) {
    uint32_t stream = next_stream_;
    next_stream_ += 2;
    send(kPluginServiceConn, stream, MessageType::request, envelope);
    Message m = next();
    if (m.header.stream_id != stream || m.header.type != MessageType::response) {
      throw std::runtime_error("sync runtime: unexpected message");
    }
    ttrpc::Response response;
    if (!response.ParseFromString(m.body) || response.status().code() != 0) {
      throw std::runtime_error("sync runtime: call failed: " + response.status().message());
    }
    return response.payload();
  }

  static std::string envelope(const char* method, const std::string& payload) {
    ttrpc::Request request;
    request.set_service("nri.pkg.api.v1alpha1.Plugin");
    request.set_method(method);
    request.set_payload(payload);
    request.set_timeout_nano(2'000'000'000);
    return request.SerializeAsString();
  }

 private:
  struct Message {
    uint32_t conn;
    MessageHeader header;
    std::string body;
  };

  void send(uint32_t conn, uint32_t stream, MessageType type, const std::string& body) {
    MessageHeader h{static_cast<uint32_t>(body.size()), stream, type, 0};
    auto hb = encode_header(h);
    encoder_.encode(conn, {std::string_view(reinterpret_cast<const char*>(hb.data()), hb.size()), body});
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(encoder_.iov().data());
    msg.msg_iovlen = encoder_.iov().size();
    if (::sendmsg(fd_, &msg, MSG_NOSIGNAL) != static_cast<ssize_t>(encoder_.total_bytes())) {
      throw std::runtime_error("sync runtime: short write");
    }
  }

  Message next() {
    while (queue_.empty()) {
      ssize_t n = ::read(fd_, buffer_, sizeof buffer_);
      if (n <= 0) throw std::runtime_error("sync runtime: plugin closed the connection");
      frames_.feed(std::string_view(buffer_, static_cast<size_t>(n)), [this](uint32_t conn, std::string_view bytes) {
        auto& decoder = conn == kPluginServiceConn ? plugin_conn_ : runtime_conn_;
        decoder.feed(bytes, [&](const MessageHeader& h, std::string_view body) {
          queue_.push_back({conn, h, std::string(body)});
        });
      });
    }
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }

  int listen_fd_ = -1, fd_ = -1;
  uint32_t next_stream_ = 1;
  char buffer_[65536];
  FrameDecoder frames_;
  MessageDecoder plugin_conn_, runtime_conn_;
  FrameEncoder encoder_;
  std::deque<Message> queue_;
};

}  // namespace nri_seccomp::bench
