// A deliberately tiny HTTP/1.1 server for /metrics and the probes: one
// thread running a poll(2) loop, GET/HEAD only, every response closes the
// connection. Requests are bounded in size (max_request_bytes) and in time
// (read_timeout, a deadline for the whole request head and again for sending
// the answer). Connections are served side by side, so a client that
// connects and stays silent delays nobody: the kubelet's probes keep being
// answered. At most max_connections are open; a new one evicts the oldest.
// Anything that does not parse is answered 400 and the server goes on
// serving: nothing a client sends can stop or crash it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "metrics/listen_address.h"

namespace nri_seccomp::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Handlers run on the server thread; an exception becomes a 500.
using HttpHandler = std::function<HttpResponse()>;

struct HttpServerOptions {
  size_t max_request_bytes = 8192;
  std::chrono::milliseconds read_timeout{2000};
  size_t max_connections = 32;
};

class HttpServer {
 public:
  // Binds and listens before returning (throws Error naming the address and
  // the system error if it cannot), then serves `routes` (exact paths; any
  // query string is ignored) on its own thread. An empty host binds 0.0.0.0.
  HttpServer(const ListenAddress& address, std::map<std::string, HttpHandler> routes,
             HttpServerOptions options = {});
  ~HttpServer();  // stops and joins
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the kernel's choice when asked for port 0).
  uint16_t port() const { return bound_.port; }
  // The bound address in HOST:PORT form.
  std::string address() const { return bound_.to_string(); }

  // Stops accepting and joins the thread; idempotent.
  void stop();

 private:
  struct Connection;
  void serve();
  void accept_new(std::vector<Connection>& connections);
  void on_readable(Connection& c);
  void on_writable(Connection& c);
  void on_deadline(Connection& c);
  void finish_request(Connection& c);

  std::map<std::string, HttpHandler> routes_;
  HttpServerOptions options_;
  ListenAddress bound_;
  int listen_fd_ = -1;
  int wake_read_fd_ = -1;   // a pipe: stop() writes, the poll in serve() wakes
  int wake_write_fd_ = -1;
  std::thread thread_;
};

// Canonical reason phrase for the status codes this server uses.
const char* http_reason(int status);

}  // namespace nri_seccomp::metrics
