// `--metrics-address HOST:PORT`: where the metrics/health server listens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nri_seccomp::metrics {

struct ListenAddress {
  std::string host;  // IPv4/IPv6 literal or host name; "" = every interface
  uint16_t port = 0;  // 0 = let the kernel pick (tests)

  // Back to "HOST:PORT" form, IPv6 hosts in brackets.
  std::string to_string() const;
};

// Accepts "127.0.0.1:9464", "0.0.0.0:9464", "localhost:9464", "[::1]:9464",
// "[::]:9464" and ":9464" (every interface). Throws Error naming the flag and
// what is wrong: missing port, port not a number or above 65535, unbracketed
// IPv6, empty brackets, stray characters.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace nri_seccomp::metrics
