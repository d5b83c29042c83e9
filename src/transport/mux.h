// The NRI connection multiplexer over one connected unix socket: two logical
// byte streams (conn 1: plugin service, conn 2: runtime service) share it.
//
// Threading: one reader thread reads the socket, splits frames and hands the
// bytes to the StreamReceiver attached to each connection id, inline. Writes
// come from any thread; one mutex keeps each message's frames contiguous.
// Because receivers run on the reader thread, a receiver (e.g. a ttrpc
// request handler) must never block waiting for bytes from the socket (such
// as a ttrpc response on the other logical connection): those bytes can only
// be delivered by the very thread it is blocking.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "transport/frame.h"

namespace nri_seccomp::transport {

class StreamReceiver {
 public:
  virtual ~StreamReceiver() = default;
  // Bytes of this logical connection, in order. Throwing (e.g. ProtocolError)
  // closes the whole Mux with the exception's message as the reason.
  virtual void on_bytes(std::string_view bytes) = 0;
  // Called once, on the reader thread, when the Mux closes for any reason.
  virtual void on_close(const std::string& reason) = 0;
};

class Mux {
 public:
  using CloseCallback = std::function<void(const std::string& reason)>;

  // Takes ownership of `fd` (a connected stream socket).
  explicit Mux(int fd, uint32_t write_frame_size = kDefaultWriteFrameSize);
  ~Mux();
  Mux(const Mux&) = delete;
  Mux& operator=(const Mux&) = delete;

  // Before start(): route connection `conn_id` to `receiver` (not owned).
  // Frames for connection ids nobody attached are dropped, as NRI does.
  void attach(uint32_t conn_id, StreamReceiver* receiver);
  // Called once, after every receiver's on_close, with the close reason.
  void set_on_close(CloseCallback callback);

  void start();

  // Sends `parts` (concatenated) on `conn_id` as one or more frames with one
  // gathered write. Thread-safe. Throws Error if the Mux is closed or the
  // write fails (which also closes the Mux).
  void write(uint32_t conn_id, std::initializer_list<std::string_view> parts);

  // Closes the socket for both directions; the reader thread then reports
  // `reason` to the receivers and the close callback. Idempotent: the first
  // reason wins. Safe from any thread, including receivers.
  void close(const std::string& reason);

  // Waits for the reader thread to finish (not from the reader thread).
  void join();

  bool closed() const { return closed_.load(std::memory_order_acquire); }
  std::string close_reason() const;
  bool on_reader_thread() const { return std::this_thread::get_id() == reader_id_.load(); }

 private:
  void reader_loop();
  void record_reason(const std::string& reason);

  int fd_;
  uint32_t write_frame_size_;
  std::map<uint32_t, StreamReceiver*> receivers_;
  CloseCallback on_close_;
  std::thread reader_;
  std::atomic<std::thread::id> reader_id_{};
  std::atomic<bool> closed_{false};
  mutable std::mutex reason_mutex_;
  std::string reason_;
  std::mutex write_mutex_;
  FrameEncoder encoder_;      // guarded by write_mutex_
  std::vector<iovec> iov_;    // guarded by write_mutex_; advanced on short writes
};

}  // namespace nri_seccomp::transport
