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

#include <algorithm>
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

std::string serialize(const HttpResponse& response, bool with_body, std::string_view extra_headers = {}) {
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n"
      "Cache-Control: no-store\r\n{}\r\n",
      response.status, http_reason(response.status), response.content_type, response.body.size(),
      extra_headers);
  if (with_body) out += response.body;
  return out;
}

HttpResponse plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
  return r;
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
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
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

// One client connection and where it is in its short life.
struct HttpServer::Connection {
  enum class Phase {
    reading,    // collecting the request head
    writing,    // sending `out`
    lingering,  // answered early: reading and dropping what the client still sends, then close
    done,       // to be closed
  };
  int fd = -1;
  Phase phase = Phase::reading;
  std::string in;
  std::string out;
  size_t sent = 0;
  bool linger_after_send = false;
  size_t drained = 0;
  std::chrono::steady_clock::time_point deadline;
};

namespace {
using Clock = std::chrono::steady_clock;
// How long and how much we keep reading after an early answer (see lingering):
// closing with unread input makes the kernel send a reset, which can destroy
// our answer before the client has read it.
constexpr auto kLingerTime = std::chrono::milliseconds(200);
constexpr size_t kLingerBytes = 256 * 1024;
}  // namespace

void HttpServer::serve() {
  std::vector<Connection> connections;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_read_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    auto next_deadline = Clock::time_point::max();
    for (const auto& c : connections) {
      fds.push_back({c.fd, static_cast<short>(c.phase == Connection::Phase::writing ? POLLOUT : POLLIN), 0});
      next_deadline = std::min(next_deadline, c.deadline);
    }
    int timeout_ms = -1;
    if (!connections.empty()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(next_deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
    }
    int rc = ::poll(fds.data(), fds.size(), timeout_ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      log::error("metrics_server_poll_failed", {{"error", std::strerror(errno)}});
      break;
    }
    if (fds[0].revents != 0) break;  // stop() asked us to leave

    // Connections first (their pollfd entries match the vector's order), then
    // new ones, so an accept never shifts the indexes we are reading.
    auto now = Clock::now();
    for (size_t i = 0; i < connections.size(); ++i) {
      auto& c = connections[i];
      short revents = fds[i + 2].revents;
      try {
        if (revents & (POLLIN | POLLHUP | POLLERR)) {
          if (c.phase == Connection::Phase::writing) {
            on_writable(c);  // POLLHUP/POLLERR while writing: send fails and closes
          } else {
            on_readable(c);
          }
        } else if (revents & POLLOUT) {
          on_writable(c);
        } else if (revents & POLLNVAL) {
          c.phase = Connection::Phase::done;
        }
        if (c.phase != Connection::Phase::done && now >= c.deadline) on_deadline(c);
      } catch (const std::exception& e) {
        // Only allocation failures can get here; the connection is dropped.
        log::error("metrics_server_connection_failed", {{"error", e.what()}});
        c.phase = Connection::Phase::done;
      }
    }
    std::erase_if(connections, [](Connection& c) {
      if (c.phase != Connection::Phase::done) return false;
      close_fd(c.fd);
      return true;
    });
    if (fds[1].revents & POLLIN) accept_new(connections);
  }
  for (auto& c : connections) close_fd(c.fd);
}

void HttpServer::accept_new(std::vector<Connection>& connections) {
  // Take everything that is waiting, up to a bound so a flood cannot keep us
  // from serving the connections we already have.
  for (int i = 0; i < 64; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: back off instead of spinning on a
        // listen socket that stays readable.
        log::warn("metrics_server_accept_failed", {{"error", std::strerror(errno)}});
        ::poll(nullptr, 0, 100);
      }
      return;  // EAGAIN: nothing more waiting; anything else: the client is gone
    }
    if (connections.size() >= std::max<size_t>(options_.max_connections, 1)) {
      // Full: the oldest connection goes. A client that holds connections
      // open without sending can then not lock out the probes.
      log::debug("metrics_request_rejected", {{"status", "none"}, {"reason", "too many connections, oldest closed"}});
      close_fd(connections.front().fd);
      connections.erase(connections.begin());
    }
    Connection c;
    c.fd = fd;
    c.deadline = Clock::now() + options_.read_timeout;
    connections.push_back(std::move(c));
  }
}

void HttpServer::on_readable(Connection& c) {
  char buffer[4096];
  ssize_t n = ::recv(c.fd, buffer, sizeof buffer, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (c.phase == Connection::Phase::lingering) {
    if (n <= 0) {
      c.phase = Connection::Phase::done;
      return;
    }
    c.drained += static_cast<size_t>(n);
    if (c.drained >= kLingerBytes) c.phase = Connection::Phase::done;
    return;
  }
  if (n <= 0) {
    // Peer closed (or reset) before finishing its request. Half a request
    // line that already cannot parse is still answered, for the record.
    if (n == 0 && !c.in.empty()) {
      auto parsed = parse_request_line(c.in);
      if (parsed.error_status != 0) {
        log::debug("metrics_request_rejected", {{"status", "400"}, {"reason", parsed.error_reason}});
        c.out = serialize(plain(400, parsed.error_reason), true);
        c.phase = Connection::Phase::writing;
        c.deadline = Clock::now() + options_.read_timeout;
        return;
      }
    }
    c.phase = Connection::Phase::done;
    return;
  }
  c.in.append(buffer, static_cast<size_t>(n));
  finish_request(c);
}

void HttpServer::finish_request(Connection& c) {
  auto head_end = c.in.find("\r\n\r\n");
  if (head_end == std::string::npos) head_end = c.in.find("\n\n");
  auto start_writing = [&](std::string out, bool linger) {
    c.out = std::move(out);
    c.sent = 0;
    c.linger_after_send = linger;
    c.phase = Connection::Phase::writing;
    c.deadline = Clock::now() + options_.read_timeout;
  };
  if ((head_end == std::string::npos && c.in.size() > options_.max_request_bytes) ||
      (head_end != std::string::npos && head_end > options_.max_request_bytes)) {
    log::debug("metrics_request_rejected", {{"status", "431"}, {"reason", "request head too large"}});
    start_writing(serialize(plain(431, "request head too large"), true), true);
    return;
  }
  if (head_end == std::string::npos) return;  // wait for more

  auto request = parse_request_line(c.in);
  if (request.error_status != 0) {
    log::debug("metrics_request_rejected", {{"status", "400"}, {"reason", request.error_reason}});
    start_writing(serialize(plain(request.error_status, request.error_reason), true), true);
    return;
  }
  bool head_only = request.method == "HEAD";
  if (request.method != "GET" && !head_only) {
    // A body may follow the head: linger so our answer is not lost to a reset.
    start_writing(serialize(plain(405, "only GET and HEAD are served"), true, "Allow: GET, HEAD\r\n"), true);
    return;
  }
  auto route = routes_.find(request.path);
  if (route == routes_.end()) {
    start_writing(serialize(plain(404, "not found; try /metrics, /healthz or /readyz"), !head_only), false);
    return;
  }
  HttpResponse response;
  try {
    response = route->second();
  } catch (const std::exception& e) {
    log::error("metrics_handler_failed", {{"path", request.path}, {"error", e.what()}});
    response = plain(500, "internal error");
  }
  start_writing(serialize(response, !head_only), false);
}

void HttpServer::on_writable(Connection& c) {
  while (c.sent < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // poll tells us when to go on
    if (n <= 0) {
      c.phase = Connection::Phase::done;
      return;
    }
    c.sent += static_cast<size_t>(n);
  }
  if (c.linger_after_send) {
    ::shutdown(c.fd, SHUT_WR);
    c.phase = Connection::Phase::lingering;
    c.deadline = Clock::now() + kLingerTime;
  } else {
    c.phase = Connection::Phase::done;
  }
}

void HttpServer::on_deadline(Connection& c) {
  if (c.phase == Connection::Phase::reading && !c.in.empty()) {
    // Best effort, one non-blocking send: the client was too slow already.
    log::debug("metrics_request_rejected", {{"status", "408"}, {"reason", "read timeout"}});
    auto out = serialize(plain(408, "request not complete in time"), true);
    [[maybe_unused]] auto n = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  c.phase = Connection::Phase::done;
}

}  // namespace nri_seccomp::metrics
