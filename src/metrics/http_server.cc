#include "metrics/http_server.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string_view>

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"

namespace nri_seccomp::metrics {
namespace {

struct ParsedRequest {
  int error_status = 0;  // non-zero: answer with this status
  std::string error_reason;
  std::string method;
  std::string path;
};

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

ParsedRequest parse_request_line(std::string_view head) {
  ParsedRequest out;
  auto line_end = head.find('\n');
  std::string_view line = head.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto bad = [&](std::string reason) {
    out.error_status = 400;
    out.error_reason = std::move(reason);
    return out;
  };
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("request line has no spaces");
  auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad("request line has no HTTP version");
  if (line.find(' ', sp2 + 1) != std::string_view::npos) return bad("request line has extra fields");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty() || method.size() > 16) return bad("bad method");
  for (char c : method) {
    if (!is_token_char(c)) return bad("bad method");
  }
  if (target.empty() || target.front() != '/') return bad("request target is not an absolute path");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("control character in request target");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return bad("unsupported HTTP version");
  out.method = std::string(method);
  out.path = std::string(target.substr(0, target.find('?')));
  return out;
}

// Sends everything or gives up (peer gone, send timeout): the connection is
// closed right after either way.
void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void respond(int fd, const HttpResponse& response, bool with_body, std::string_view extra_headers = {}) {
  std::string head = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n"
      "Cache-Control: no-store\r\n{}\r\n",
      response.status, http_reason(response.status), response.content_type, response.body.size(),
      extra_headers);
  if (with_body) head += response.body;
  send_all(fd, head);
}

HttpResponse plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
  return r;
}

// After answering an error before the whole request was read: stop sending,
// then read and drop what the client still sends (bounded in bytes and time)
// before closing. Closing with unread input makes the kernel send a reset,
// which can destroy our response before the client reads it.
void drain_before_close(int fd) {
  ::shutdown(fd, SHUT_WR);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  size_t drained = 0;
  char sink[4096];
  while (drained < 256 * 1024) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    ssize_t n = ::recv(fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n <= 0) return;
    drained += static_cast<size_t>(n);
  }
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

const char* http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

HttpServer::HttpServer(const ListenAddress& address, std::map<std::string, HttpHandler> routes,
                       HttpServerOptions options)
    : routes_(std::move(routes)), options_(options) {
  std::string host = address.host.empty() ? "0.0.0.0" : address.host;
  std::string port = std::to_string(address.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    fail("metrics server: cannot resolve listen address {}: {}", address.to_string(), ::gai_strerror(rc));
  }
  int last_errno = 0;
  for (addrinfo* ai = found; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      last_errno = errno;
      ::close(fd);
      continue;
    }
    listen_fd_ = fd;
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) {
    fail("metrics server: cannot listen on {}: {}", address.to_string(), std::strerror(last_errno));
  }

  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  char text[INET6_ADDRSTRLEN] = {};
  if (bound.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&bound);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    bound_ = ListenAddress{text, ntohs(in6->sin6_port)};
  } else {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&bound);
    ::inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text);
    bound_ = ListenAddress{text, ntohs(in4->sin_port)};
  }

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    int err = errno;
    close_fd(listen_fd_);
    fail("metrics server: cannot create wake-up pipe: {}", std::strerror(err));
  }
  wake_read_fd_ = pipe_fds[0];
  wake_write_fd_ = pipe_fds[1];
  log::info("metrics_server_listening", {{"address", bound_.to_string()}});
  thread_ = std::thread([this] { serve(); });
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (thread_.joinable()) {
    char byte = 1;
    [[maybe_unused]] auto n = ::write(wake_write_fd_, &byte, 1);
    thread_.join();
  }
  close_fd(listen_fd_);
  close_fd(wake_read_fd_);
  close_fd(wake_write_fd_);
}

void HttpServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    int rc = ::poll(fds, 2, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      log::error("metrics_server_poll_failed", {{"error", std::strerror(errno)}});
      return;
    }
    if (fds[1].revents != 0) return;  // stop() asked us to leave
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: back off instead of spinning on a
        // listen socket that stays readable.
        log::warn("metrics_server_accept_failed", {{"error", std::strerror(errno)}});
        ::poll(nullptr, 0, 100);
      }
      continue;
    }
    try {
      handle_connection(fd);
    } catch (const std::exception& e) {
      // Only allocation failures can get here; the connection is dropped.
      log::error("metrics_server_connection_failed", {{"error", e.what()}});
    }
    ::close(fd);
  }
}

void HttpServer::handle_connection(int fd) {
  timeval send_timeout{};
  send_timeout.tv_sec = options_.read_timeout.count() / 1000;
  send_timeout.tv_usec = (options_.read_timeout.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);

  // Read until the end of the request head, the size limit or the deadline.
  auto deadline = std::chrono::steady_clock::now() + options_.read_timeout;
  std::string head;
  char buffer[2048];
  size_t head_end = std::string::npos;
  for (;;) {
    head_end = head.find("\r\n\r\n");
    if (head_end == std::string::npos) head_end = head.find("\n\n");
    if (head_end != std::string::npos) break;
    if (head.size() > options_.max_request_bytes) {
      log::debug("metrics_request_rejected", {{"status", "431"}, {"reason", "request head too large"}});
      respond(fd, plain(431, "request head too large"), true);
      drain_before_close(fd);
      return;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (!head.empty()) respond(fd, plain(408, "request not complete in time"), true);
      log::debug("metrics_request_rejected", {{"status", "408"}, {"reason", "read timeout"}});
      return;
    }
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;  // timeout: the deadline check above answers
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Peer closed (or reset) before finishing its request: nobody to answer.
      if (!head.empty()) {
        auto parsed = parse_request_line(head);
        if (parsed.error_status != 0) {
          log::debug("metrics_request_rejected", {{"status", "400"}, {"reason", parsed.error_reason}});
          respond(fd, plain(400, parsed.error_reason), true);
        }
      }
      return;
    }
    head.append(buffer, static_cast<size_t>(n));
  }
  if (head_end > options_.max_request_bytes) {
    respond(fd, plain(431, "request head too large"), true);
    return;
  }

  auto request = parse_request_line(head);
  if (request.error_status != 0) {
    log::debug("metrics_request_rejected", {{"status", "400"}, {"reason", request.error_reason}});
    respond(fd, plain(request.error_status, request.error_reason), true);
    drain_before_close(fd);
    return;
  }
  bool head_only = request.method == "HEAD";
  if (request.method != "GET" && !head_only) {
    respond(fd, plain(405, "only GET and HEAD are served"), true, "Allow: GET, HEAD\r\n");
    drain_before_close(fd);  // a body may follow the head
    return;
  }
  auto route = routes_.find(request.path);
  if (route == routes_.end()) {
    respond(fd, plain(404, "not found; try /metrics, /healthz or /readyz"), !head_only);
    return;
  }
  HttpResponse response;
  try {
    response = route->second();
  } catch (const std::exception& e) {
    log::error("metrics_handler_failed", {{"path", request.path}, {"error", e.what()}});
    response = plain(500, "internal error");
  }
  respond(fd, response, !head_only);
}

}  // namespace nri_seccomp::metrics
