#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace nri_seccomp::metrics::testing {

RawResponse send_raw(uint16_t port, const std::string& request, bool half_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  // A receive timeout so a broken server fails the test instead of hanging it.
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on oversized input
    sent += static_cast<size_t>(n);
  }
  if (half_close) ::shutdown(fd, SHUT_WR);
  RawResponse out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);

  auto head_end = out.raw.find("\r\n\r\n");
  std::string head = out.raw.substr(0, head_end);
  if (head_end != std::string::npos) out.body = out.raw.substr(head_end + 4);
  if (head.rfind("HTTP/1.1 ", 0) == 0 && head.size() >= 12) out.status = std::stoi(head.substr(9, 3));
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(::tolower(c));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      out.headers[name] = value;
    }
    pos = next;
  }
  return out;
}

RawResponse http_get(uint16_t port, const std::string& path) {
  return send_raw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: metrics-test\r\n\r\n");
}

CurlResult curl_get(uint16_t port, const std::string& path) {
  // -w appends the status code on its own last line after the body.
  std::string cmd = "curl -sS --max-time 10 -w '\\n%{http_code}' 'http://127.0.0.1:" + std::to_string(port) +
                    path + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen curl failed");
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = ::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int rc = ::pclose(pipe);
  if (rc != 0) throw std::runtime_error("curl failed (" + std::to_string(rc) + "): " + output);
  auto last_newline = output.rfind('\n');
  CurlResult out;
  out.status = std::stoi(output.substr(last_newline + 1));
  out.body = output.substr(0, last_newline);
  return out;
}

}  // namespace nri_seccomp::metrics::testing
