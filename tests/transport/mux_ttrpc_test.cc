// Mux + ttrpc server/client over real socketpairs: round trips, concurrency,
// status codes, deadlines, close propagation, and hostile bytes.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "google/rpc/status.pb.h"
#include "transport/frame.h"
#include "transport/mux.h"
#include "transport/ttrpc_client.h"
#include "transport/ttrpc_message.h"
#include "transport/ttrpc_server.h"
#include "ttrpc.pb.h"

namespace nri_seccomp::transport {
namespace {

using namespace std::chrono_literals;

std::pair<int, int> make_socketpair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error("socketpair");
  return {fds[0], fds[1]};
}

// Server side: a Mux serving "test.Svc" on conn 1 with a few behaviours.
struct ServerSide {
  explicit ServerSide(int fd) : mux(fd) {
    server.add_method("test.Svc", "Echo", [](std::string_view in, const CallContext&, std::string& out) {
      out.assign(in);
    });
    server.add_method("test.Svc", "Refuse", [](std::string_view, const CallContext&, std::string&) {
      throw RpcError(StatusCode::invalid_argument, "refused on purpose");
    });
    server.add_method("test.Svc", "PlainError", [](std::string_view, const CallContext&, std::string&) {
      fail("policy says no");
    });
    server.add_method("test.Svc", "Crash", [](std::string_view, const CallContext&, std::string&) {
      throw std::runtime_error("unexpected");
    });
    server.add_method("test.Svc", "Deadline", [this](std::string_view, const CallContext& c, std::string& out) {
      ++deadline_handler_runs;
      out = c.deadline ? "has-deadline" : "no-deadline";
    });
    server.add_method("test.Svc", "Hang", [this](std::string_view, const CallContext&, std::string&) {
      std::unique_lock lock(hang_mutex);
      hanging = true;
      hang_cv.notify_all();
      hang_cv.wait(lock, [this] { return released; });
    });
    server.attach(mux, kPluginServiceConn);
    mux.set_on_close([this](const std::string& reason) {
      std::lock_guard lock(hang_mutex);
      close_reason = reason;
      closed = true;
      hang_cv.notify_all();
    });
    mux.start();
  }
  // The reader thread calls into `server` and our callback until it ends:
  // stop it before any member goes away.
  ~ServerSide() {
    release();
    mux.close("test done");
    mux.join();
  }

  void release() {
    std::lock_guard lock(hang_mutex);
    released = true;
    hang_cv.notify_all();
  }
  bool wait_hanging() {
    std::unique_lock lock(hang_mutex);
    return hang_cv.wait_for(lock, 5s, [this] { return hanging; });
  }
  std::string wait_closed() {
    std::unique_lock lock(hang_mutex);
    hang_cv.wait_for(lock, 5s, [this] { return closed; });
    return close_reason;
  }

  Mux mux;
  TtrpcServer server;
  std::atomic<int> deadline_handler_runs{0};
  std::mutex hang_mutex;
  std::condition_variable hang_cv;
  bool hanging = false, released = false, closed = false;
  std::string close_reason;
};

struct ClientSide {
  explicit ClientSide(int fd) : mux(fd) {
    client.attach(mux, kPluginServiceConn);
    mux.start();
  }
  ~ClientSide() {
    mux.close("test done");
    mux.join();
  }
  Mux mux;
  TtrpcClient client;
};

// Raw peer: writes hand-built bytes and reads ttrpc responses synchronously.
struct RawPeer {
  explicit RawPeer(int fd) : fd(fd) {}
  ~RawPeer() { ::close(fd); }

  void write_all(std::string_view bytes) const {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("raw send failed");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  static std::string request_message(uint32_t stream, std::string_view method, std::string_view payload,
                                     int64_t timeout_nano) {
    ttrpc::Request request;
    request.set_service("test.Svc");
    request.set_method(std::string(method));
    request.set_payload(std::string(payload));
    request.set_timeout_nano(timeout_nano);
    std::string body = request.SerializeAsString();
    MessageHeader h{static_cast<uint32_t>(body.size()), stream, MessageType::request, 0};
    auto hb = encode_header(h);
    FrameEncoder encoder;
    encoder.encode(kPluginServiceConn, {std::string_view(reinterpret_cast<const char*>(hb.data()), hb.size()), body});
    std::string wire;
    for (const auto& v : encoder.iov()) wire.append(static_cast<const char*>(v.iov_base), v.iov_len);
    return wire;
  }
  // Reads until one response is available (or EOF: returns nullopt). Several
  // responses may arrive in one read; they are queued.
  std::optional<std::pair<uint32_t, ttrpc::Response>> read_response() {
    char buffer[4096];
    while (queue.empty()) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      frames.feed(std::string_view(buffer, static_cast<size_t>(n)), [&](uint32_t, std::string_view bytes) {
        messages.feed(bytes, [&](const MessageHeader& h, std::string_view body) {
          ttrpc::Response r;
          r.ParseFromArray(body.data(), static_cast<int>(body.size()));
          queue.emplace_back(h.stream_id, r);
        });
      });
    }
    auto front = queue.front();
    queue.pop_front();
    return front;
  }
  bool at_eof() const {
    char c;
    return ::read(fd, &c, 1) == 0;
  }

  int fd;
  FrameDecoder frames;
  MessageDecoder messages;
  std::deque<std::pair<uint32_t, ttrpc::Response>> queue;
};

TEST(MuxTtrpc, EchoSmallAndMultiFramePayloads) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  ClientSide client(b);
  EXPECT_EQ(client.client.call("test.Svc", "Echo", "ping", 2s), "ping");
  EXPECT_EQ(client.client.call("test.Svc", "Echo", "", 2s), "");
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + 7);
  EXPECT_EQ(client.client.call("test.Svc", "Echo", big, 10s), big);
}

TEST(MuxTtrpc, StatusCodesFromHandlers) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  ClientSide client(b);
  auto code_of = [&](std::string_view method, std::string& message) {
    try {
      client.client.call("test.Svc", method, "x", 2s);
    } catch (const RpcError& e) {
      message = e.what();
      return e.code();
    }
    return 0;
  };
  std::string message;
  EXPECT_EQ(code_of("Refuse", message), 3);
  EXPECT_EQ(message, "refused on purpose");
  EXPECT_EQ(code_of("PlainError", message), 2);
  EXPECT_EQ(message, "policy says no");
  EXPECT_EQ(code_of("Crash", message), 13);
  EXPECT_NE(message.find("unexpected"), std::string::npos);
  EXPECT_EQ(code_of("NoSuchMethod", message), 12);
  EXPECT_NE(message.find("test.Svc/NoSuchMethod"), std::string::npos);
  try {
    client.client.call("other.Service", "Echo", "x", 2s);
    FAIL();
  } catch (const RpcError& e) {
    EXPECT_EQ(e.status(), StatusCode::unimplemented);
  }
  // The connection survives handler errors.
  EXPECT_EQ(client.client.call("test.Svc", "Echo", "still here", 2s), "still here");
}

TEST(MuxTtrpc, ConcurrentCallersGetTheirOwnResponses) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  ClientSide client(b);
  constexpr int kThreads = 8, kCalls = 300;
  std::atomic<int> mismatches{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        std::string payload = std::to_string(t) + ":" + std::to_string(i) + std::string(i % 7 * 1000, 'p');
        if (client.client.call("test.Svc", "Echo", payload, 5s) != payload) ++mismatches;
        ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(done.load(), kThreads * kCalls);
}

TEST(MuxTtrpc, ExpiredTimeoutNanoAnswersDeadlineExceededWithoutRunningHandler) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  RawPeer peer(b);
  peer.write_all(RawPeer::request_message(1, "Deadline", "", 1));  // 1 ns: gone on arrival
  auto response = peer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->first, 1u);
  EXPECT_EQ(response->second.status().code(), 4);
  peer.write_all(RawPeer::request_message(3, "Deadline", "", -5));
  response = peer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->second.status().code(), 4);
  EXPECT_EQ(server.deadline_handler_runs.load(), 0);

  peer.write_all(RawPeer::request_message(5, "Deadline", "", 60'000'000'000));
  response = peer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->second.status().code(), 0);
  EXPECT_EQ(response->second.payload(), "has-deadline");
  peer.write_all(RawPeer::request_message(7, "Deadline", "", 0));
  response = peer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->second.payload(), "no-deadline");
}

TEST(MuxTtrpc, RequestDribbledInTinyWritesIsReassembled) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  RawPeer peer(b);
  std::string wire = RawPeer::request_message(9, "Echo", std::string(9000, 'e'), 0) +
                     RawPeer::request_message(11, "Echo", "second", 0);
  for (size_t pos = 0; pos < wire.size(); pos += 3) {
    peer.write_all(std::string_view(wire).substr(pos, 3));
    if (pos % 3000 == 0) std::this_thread::sleep_for(1ms);  // force separate reads
  }
  auto first = peer.read_response();
  auto second = peer.read_response();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->first, 9u);
  EXPECT_EQ(first->second.payload(), std::string(9000, 'e'));
  EXPECT_EQ(second->first, 11u);
  EXPECT_EQ(second->second.payload(), "second");
}

TEST(MuxTtrpc, ClientTimesOutWithDeadlineExceeded) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  ClientSide client(b);
  try {
    client.client.call("test.Svc", "Hang", "", 50ms);
    FAIL() << "no timeout";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.status(), StatusCode::deadline_exceeded);
  }
  server.release();
  // A late response for the abandoned stream is ignored; the next call works.
  EXPECT_EQ(client.client.call("test.Svc", "Echo", "after", 2s), "after");
}

TEST(MuxTtrpc, CloseFailsPendingCallsAndLaterCalls) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  ClientSide client(b);
  auto pending = std::async(std::launch::async, [&] {
    try {
      client.client.call("test.Svc", "Hang", "", 0ns);
    } catch (const RpcError& e) {
      return e.code();
    }
    return 0;
  });
  ASSERT_TRUE(server.wait_hanging());
  server.mux.close("server going away");
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(pending.get(), static_cast<int32_t>(StatusCode::unavailable));
  client.mux.join();
  EXPECT_EQ(client.mux.close_reason(), "peer closed the connection");
  try {
    client.client.call("test.Svc", "Echo", "x", 1s);
    FAIL();
  } catch (const RpcError& e) {
    EXPECT_EQ(e.status(), StatusCode::unavailable);
  }
}

struct HostileCase {
  const char* name;
  std::string bytes;
  const char* reason_fragment;
};

std::string frame_bytes(uint32_t id, uint32_t len, std::string_view payload) {
  std::string out(8, '\0');
  put_be32(reinterpret_cast<unsigned char*>(out.data()), id);
  put_be32(reinterpret_cast<unsigned char*>(out.data()) + 4, len);
  out.append(payload);
  return out;
}

TEST(MuxTtrpc, HostileBytesCloseTheConnectionWithASpecificReason) {
  std::string bad_type_msg("\x00\x00\x00\x01\x00\x00\x00\x01\x09\x00x", 11);
  std::string even_stream("\x00\x00\x00\x00\x00\x00\x00\x02\x01\x00", 10);
  std::string response_to_server("\x00\x00\x00\x00\x00\x00\x00\x01\x02\x00", 10);
  std::string not_protobuf("\x00\x00\x00\x03\x00\x00\x00\x01\x01\x00\xff\xff\xff", 13);
  std::vector<HostileCase> cases = {
      {"reserved id", frame_bytes(0, 1, "x"), "reserved connection id 0"},
      {"oversize frame", frame_bytes(1, 0x7fffffff, ""), "over the limit"},
      {"unknown type", frame_bytes(1, static_cast<uint32_t>(bad_type_msg.size()), bad_type_msg), "unknown type 9"},
      {"even stream", frame_bytes(1, 10, even_stream), "even stream id 2"},
      {"response to server", frame_bytes(1, 10, response_to_server), "only requests are served"},
      {"garbage envelope", frame_bytes(1, 13, not_protobuf), "not a valid ttrpc.Request"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto [a, b] = make_socketpair();
    ServerSide server(a);
    RawPeer peer(b);
    peer.write_all(c.bytes);
    std::string reason = server.wait_closed();
    EXPECT_NE(reason.find(c.reason_fragment), std::string::npos) << reason;
    EXPECT_TRUE(peer.at_eof());
  }
}

TEST(MuxTtrpc, FramesForUnattachedConnectionsAreIgnored) {
  auto [a, b] = make_socketpair();
  ServerSide server(a);
  RawPeer peer(b);
  peer.write_all(frame_bytes(5, 4, "junk"));
  peer.write_all(RawPeer::request_message(1, "Echo", "ok", 0));
  auto response = peer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->second.payload(), "ok");
}

TEST(MuxTtrpc, WriteAfterPeerVanishedFailsWithoutSigpipe) {
  auto [a, b] = make_socketpair();
  ClientSide client(a);
  ::close(b);
  client.mux.join();
  EXPECT_TRUE(client.mux.closed());
  EXPECT_THROW(client.client.call("test.Svc", "Echo", "x", 1s), RpcError);
  EXPECT_THROW(client.mux.write(1, {"x"}), Error);
}

}  // namespace
}  // namespace nri_seccomp::transport
