// A minimal HTTP client for the tests: opens a TCP connection to 127.0.0.1,
// sends raw bytes, reads until the server closes. Raw so the tests can also
// send garbage a polite client never would.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace nri_seccomp::metrics::testing {

struct RawResponse {
  std::string raw;      // everything the server sent
  int status = 0;       // parsed from the status line, 0 if none
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Connects, sends `request` as is, half-closes only if `half_close`, reads to EOF.
RawResponse send_raw(uint16_t port, const std::string& request, bool half_close = false);

// GET `path` with a well-formed HTTP/1.1 request.
RawResponse http_get(uint16_t port, const std::string& path);

// GET through curl(1): status code and body, via popen.
struct CurlResult {
  int status = 0;
  std::string body;
};
CurlResult curl_get(uint16_t port, const std::string& path);

}  // namespace nri_seccomp::metrics::testing
