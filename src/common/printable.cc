#include "common/printable.h"

#include <cstdint>

namespace nri_seccomp {
namespace {

// Length of the valid UTF-8 sequence at `s[i]` that is not a control
// character, or 0 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
size_t sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b = byte(i);
  if (b >= 0x20 && b < 0x7f) return 1;
  if (b < 0xc2 || b > 0xf4) return 0;  // controls, DEL, continuation bytes, overlong leads, > U+10FFFF
  const size_t n = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  const uint8_t b1 = byte(i + 1);
  if (b == 0xe0 && b1 < 0xa0) return 0;  // overlong
  if (b == 0xed && b1 > 0x9f) return 0;  // surrogates
  if (b == 0xf0 && b1 < 0x90) return 0;  // overlong
  if (b == 0xf4 && b1 > 0x8f) return 0;  // > U+10FFFF
  if (b == 0xc2 && b1 < 0xa0) return 0;  // C1 controls U+0080..U+009F
  return n;
}

}  // namespace

bool is_printable(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string printable(std::string_view text) {
  if (is_printable(text)) return std::string(text);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    if (const size_t n = sequence_length(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    const auto b = static_cast<uint8_t>(text[i++]);
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace nri_seccomp
