// Status codes and the error type the ttrpc layer uses to carry them.
// A handler throws RpcError to answer with a specific gRPC status; a client
// call throws it when the peer answered with a non-OK status (or the call
// timed out / the connection went away).
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"

namespace nri_seccomp::transport {

// The gRPC status codes ttrpc reuses (google.golang.org/grpc/codes).
enum class StatusCode : int32_t {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  resource_exhausted = 8,
  failed_precondition = 9,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
};

const char* status_name(int32_t code);

class RpcError : public Error {
 public:
  RpcError(StatusCode code, const std::string& message)
      : Error(message), code_(static_cast<int32_t>(code)) {}
  RpcError(int32_t code, const std::string& message) : Error(message), code_(code) {}

  int32_t code() const { return code_; }
  StatusCode status() const { return static_cast<StatusCode>(code_); }

 private:
  int32_t code_;
};

}  // namespace nri_seccomp::transport
