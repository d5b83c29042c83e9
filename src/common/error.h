// One way to report errors everywhere: throw nri_seccomp::Error (or a subclass)
// with a message that names what is wrong and where; catch it only at clear
// boundaries (the ttrpc dispatcher, a CLI command, the reload loop) and turn it
// into a status, an exit code or a log line there.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "common/printable.h"

namespace nri_seccomp {

// Messages quote bytes from pods, files and the socket; what() is a C string,
// so a NUL would cut the message short, and the runtime needs valid UTF-8:
// every message is made printable (common/printable.h) when it is created.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(printable(what)) {}
};

// Malformed bytes from a peer (frames, ttrpc envelopes, protobuf payloads).
class ProtocolError : public Error {
 public:
  using Error::Error;
};

// A profile or config that cannot be read, parsed or checked.
class ProfileError : public Error {
 public:
  using Error::Error;
};

template <typename E = Error, typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw E(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace nri_seccomp
