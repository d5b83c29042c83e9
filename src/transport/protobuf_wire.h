// The two bits of the protobuf wire format we write by hand (to avoid copying
// large payloads into envelope messages): varints and length-delimited field
// headers.
#pragma once

#include <cstdint>
#include <string>

namespace nri_seccomp::transport {

inline void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Tag (wire type 2) and length of a bytes/string/message field; the caller
// appends (or sends) the `length` bytes themselves.
inline void append_length_delimited_header(std::string& out, uint32_t field, uint64_t length) {
  append_varint(out, (uint64_t{field} << 3) | 2);
  append_varint(out, length);
}

}  // namespace nri_seccomp::transport
