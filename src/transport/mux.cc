#include "transport/mux.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "common/error.h"

namespace nri_seccomp::transport {
namespace {
constexpr size_t kReadBufferSize = 64 * 1024;
}  // namespace

Mux::Mux(int fd, uint32_t write_frame_size) : fd_(fd), write_frame_size_(write_frame_size) {}

Mux::~Mux() {
  close("connection released");
  if (reader_.joinable()) {
    if (on_reader_thread()) {
      reader_.detach();
    } else {
      reader_.join();
    }
  }
  ::close(fd_);
}

void Mux::attach(uint32_t conn_id, StreamReceiver* receiver) { receivers_[conn_id] = receiver; }

void Mux::set_on_close(CloseCallback callback) { on_close_ = std::move(callback); }

void Mux::start() {
  reader_ = std::thread([this] {
    reader_id_.store(std::this_thread::get_id());
    reader_loop();
  });
  reader_id_.store(reader_.get_id());
}

void Mux::join() {
  if (reader_.joinable() && !on_reader_thread()) reader_.join();
}

std::string Mux::close_reason() const {
  std::lock_guard lock(reason_mutex_);
  return reason_;
}

void Mux::record_reason(const std::string& reason) {
  std::lock_guard lock(reason_mutex_);
  if (reason_.empty()) reason_ = reason;
}

void Mux::close(const std::string& reason) {
  record_reason(reason);
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  // shutdown (not close) wakes the reader without freeing the fd number
  // under it; the fd itself is closed in the destructor.
  ::shutdown(fd_, SHUT_RDWR);
}

void Mux::write(uint32_t conn_id, std::initializer_list<std::string_view> parts) {
  std::lock_guard lock(write_mutex_);
  if (closed()) fail("connection closed ({})", close_reason());
  encoder_.encode(conn_id, parts, write_frame_size_);
  iov_.assign(encoder_.iov().begin(), encoder_.iov().end());
  auto& iov = iov_;
  size_t index = 0;
  while (index < iov.size()) {
    msghdr msg{};
    msg.msg_iov = iov.data() + index;
    msg.msg_iovlen = std::min<size_t>(iov.size() - index, IOV_MAX);
    ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string reason = fmt::format("write to runtime socket failed: {}", std::strerror(errno));
      close(reason);
      fail("{}", reason);
    }
    size_t written = static_cast<size_t>(n);
    while (index < iov.size() && written >= iov[index].iov_len) {
      written -= iov[index].iov_len;
      ++index;
    }
    if (index < iov.size()) {
      iov[index].iov_base = static_cast<char*>(iov[index].iov_base) + written;
      iov[index].iov_len -= written;
    }
  }
}

void Mux::reader_loop() {
  std::vector<char> buffer(kReadBufferSize);
  FrameDecoder decoder;
  std::string reason;
  auto deliver = [this](uint32_t conn_id, std::string_view bytes) {
    auto it = receivers_.find(conn_id);
    if (it != receivers_.end()) it->second->on_bytes(bytes);
  };
  try {
    for (;;) {
      ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        reason = fmt::format("read from socket failed: {}", std::strerror(errno));
        break;
      }
      if (n == 0) {
        reason = decoder.at_boundary() ? "peer closed the connection"
                                       : "peer closed the connection in the middle of a frame";
        break;
      }
      decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)), deliver);
    }
  } catch (const std::exception& e) {
    reason = e.what();
  }
  // A local close() already recorded why; otherwise this is the reason.
  close(reason);
  std::string final_reason = close_reason();
  for (auto& [id, receiver] : receivers_) {
    try {
      receiver->on_close(final_reason);
    } catch (...) {
      // on_close must not throw; nothing sensible to do on this thread.
    }
  }
  if (on_close_) on_close_(final_reason);
}

}  // namespace nri_seccomp::transport
