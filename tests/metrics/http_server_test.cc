// The HTTP server against well-formed and hostile clients. Every test ends by
// checking the server still answers: nothing a client sends may stop it.
#include "metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "http_client.h"

namespace nri_seccomp::metrics {
namespace {

using ::testing::HasSubstr;
using testing::http_get;
using testing::send_raw;

// A connected client that sends `prefix` and then stays silent.
int open_silent(uint16_t port, const std::string& prefix = "") {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  if (!prefix.empty()) ::send(fd, prefix.data(), prefix.size(), MSG_NOSIGNAL);
  return fd;
}

class HttpServerTest : public ::testing::Test {
 protected:
  virtual HttpServerOptions options_for_test() {
    HttpServerOptions options;
    options.read_timeout = std::chrono::milliseconds(300);
    return options;
  }

  void SetUp() override {
    std::map<std::string, HttpHandler> routes;
    routes["/hello"] = [] { return HttpResponse{200, "text/plain", "hello\n"}; };
    routes["/boom"] = []() -> HttpResponse { throw std::runtime_error("handler failed"); };
    // Bigger than any socket buffer: exercises partial, non-blocking writes.
    routes["/big"] = [] { return HttpResponse{200, "text/plain", std::string(4 << 20, 'x')}; };
    HttpServerOptions options = options_for_test();
    options.max_request_bytes = 1024;
    server_ = std::make_unique<HttpServer>(ListenAddress{"127.0.0.1", 0}, std::move(routes), options);
    ASSERT_NE(server_->port(), 0);
    std::cout << "[          ] test server on 127.0.0.1:" << server_->port() << "\n";
  }

  void expect_still_serving() {
    auto r = http_get(server_->port(), "/hello");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello\n");
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesARouteWithHeadersAndClosesTheConnection) {
  auto r = http_get(server_->port(), "/hello?x=1");  // query strings are ignored
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello\n");
  EXPECT_EQ(r.headers["content-length"], "6");
  EXPECT_EQ(r.headers["content-type"], "text/plain");
  EXPECT_EQ(r.headers["connection"], "close");
}

TEST_F(HttpServerTest, HeadHasHeadersButNoBody) {
  auto r = send_raw(server_->port(), "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], "6");
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  EXPECT_EQ(http_get(server_->port(), "/nope").status, 404);
  expect_still_serving();
}

TEST_F(HttpServerTest, OtherMethodsAre405WithAllow) {
  auto r = send_raw(server_->port(), "POST /hello HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
  expect_still_serving();
}

TEST_F(HttpServerTest, GarbageIs400AndTheServerKeepsServing) {
  for (std::string garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),  // a TLS hello
        std::string("hello there\r\n\r\n"), std::string("GET\r\n\r\n"), std::string("GET /hello\r\n\r\n"),
        std::string("GET hello HTTP/1.1\r\n\r\n"), std::string("GET /hello HTTP/2.0\r\n\r\n"),
        std::string("GET /hel\x01lo HTTP/1.1\r\n\r\n"), std::string("GET /a /b HTTP/1.1\r\n\r\n"),
        std::string("G\0T /hello HTTP/1.1\r\n\r\n", 23)}) {
    auto r = send_raw(server_->port(), garbage);
    EXPECT_EQ(r.status, 400) << "for input: " << garbage;
  }
  expect_still_serving();
}

TEST_F(HttpServerTest, IncompleteRequestThenCloseGetsNoCrash) {
  // Half a request line, then EOF: answered 400 (or dropped), never a crash.
  auto r = send_raw(server_->port(), "GET /hel", /*half_close=*/true);
  EXPECT_EQ(r.status, 400);
  send_raw(server_->port(), "", /*half_close=*/true);
  expect_still_serving();
}

TEST_F(HttpServerTest, OversizedRequestHeadIs431) {
  std::string huge = "GET /hello HTTP/1.1\r\nX-Fill: " + std::string(4096, 'a') + "\r\n\r\n";
  EXPECT_EQ(send_raw(server_->port(), huge).status, 431);
  // Endless header without a blank line: cut at the limit too.
  EXPECT_EQ(send_raw(server_->port(), "GET /hello HTTP/1.1\r\n" + std::string(20000, 'b')).status, 431);
  expect_still_serving();
}

TEST_F(HttpServerTest, SilentClientTimesOutAndOthersAreServedAfterwards) {
  // A client that connects and sends a partial request, then waits: the
  // deadline (300 ms here) answers 408 and frees the thread.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::send(fd, "GET /hello HTTP/1.1\r\n", 21, 0), 21);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char buf[512];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_THAT(got, HasSubstr("HTTP/1.1 408"));
  expect_still_serving();
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  EXPECT_EQ(http_get(server_->port(), "/boom").status, 500);
  expect_still_serving();
}

TEST_F(HttpServerTest, StopIsIdempotentAndRefusesLaterConnections) {
  auto port = server_->port();
  server_->stop();
  server_->stop();
  EXPECT_THROW(http_get(port, "/hello"), std::runtime_error);
}

TEST_F(HttpServerTest, LargeResponsesArriveWhole) {
  auto r = http_get(server_->port(), "/big");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], std::to_string(4 << 20));
  EXPECT_EQ(r.body.size(), static_cast<size_t>(4 << 20));
  expect_still_serving();
}

TEST_F(HttpServerTest, ManyClientsAtOnceAreAllServed) {
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (http_get(server_->port(), "/hello").status == 200) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 200);
}

// With a read deadline far longer than the client's own 10 s receive
// timeout, a server that handled one connection at a time would leave the
// second client without an answer: the silent one must not block it.
class SlowClientTest : public HttpServerTest {
 protected:
  HttpServerOptions options_for_test() override {
    HttpServerOptions options;
    options.read_timeout = std::chrono::minutes(5);
    options.max_connections = 4;
    return options;
  }
};

TEST_F(SlowClientTest, SilentClientsDoNotDelayOthers) {
  int silent = open_silent(server_->port(), "GET /hel");
  ASSERT_GE(silent, 0);
  expect_still_serving();
  expect_still_serving();
  ::close(silent);
}

TEST_F(SlowClientTest, BeyondTheConnectionLimitTheOldestIsClosed) {
  std::vector<int> silent;
  for (int i = 0; i < 10; ++i) silent.push_back(open_silent(server_->port()));
  expect_still_serving();  // evicts older silent ones to get a slot
  // The first silent connection was evicted: the server closed it (EOF).
  timeval tv{10, 0};
  ::setsockopt(silent.front(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  EXPECT_EQ(::recv(silent.front(), &byte, 1, 0), 0);
  for (int fd : silent) ::close(fd);
}

TEST(HttpServerBind, PortInUseIsAnErrorNamingTheAddress) {
  HttpServer first(ListenAddress{"127.0.0.1", 0}, {});
  try {
    HttpServer second(ListenAddress{"127.0.0.1", first.port()}, {});
    FAIL() << "second bind on the same port succeeded";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(first.port())));
    EXPECT_THAT(e.what(), HasSubstr("in use"));
  }
}

TEST(HttpServerBind, UnresolvableHostIsAnError) {
  EXPECT_THROW(HttpServer(ListenAddress{"no-such-host.invalid", 0}, {}), Error);
}

}  // namespace
}  // namespace nri_seccomp::metrics
