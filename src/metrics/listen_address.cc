#include "metrics/listen_address.h"

#include <algorithm>

#include "common/error.h"

namespace nri_seccomp::metrics {

std::string ListenAddress::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(std::string_view text) {
  constexpr std::string_view flag = "--metrics-address";
  if (text.empty()) fail("{}: empty; expected HOST:PORT such as 0.0.0.0:9464", flag);
  std::string_view host;
  std::string_view port;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) fail("{} '{}': '[' without a closing ']'", flag, text);
    host = text.substr(1, close - 1);
    if (host.empty()) fail("{} '{}': empty IPv6 address between brackets", flag, text);
    auto rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') {
      fail("{} '{}': expected ':PORT' after ']'", flag, text);
    }
    port = rest.substr(1);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) fail("{} '{}': missing ':PORT' (expected HOST:PORT)", flag, text);
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      fail("{} '{}': IPv6 addresses must be written in brackets, e.g. [::1]:9464", flag, text);
    }
    port = text.substr(colon + 1);
  }
  auto host_char_ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '%' || c == '_';
  };
  if (!std::all_of(host.begin(), host.end(), host_char_ok)) {
    fail("{} '{}': host '{}' contains characters not allowed in an address", flag, text, host);
  }
  if (port.empty()) fail("{} '{}': missing port number after ':'", flag, text);
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    fail("{} '{}': port '{}' is not a number from 0 to 65535", flag, text, port);
  }
  unsigned value = 0;
  for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > 65535) fail("{} '{}': port {} is above 65535", flag, text, value);
  return ListenAddress{std::string(host), static_cast<uint16_t>(value)};
}

}  // namespace nri_seccomp::metrics
