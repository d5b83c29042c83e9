#include "denials/seccomp_record.h"

#include <charconv>

#include <fmt/format.h>

namespace nri_seccomp::denials {
namespace {

bool to_number(std::string_view text, uint64_t& out, int base = 10) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// audit_log_untrustedstring: quoted when plain, hex (even length) otherwise;
// "(null)" for none.
std::string decode_untrusted(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return std::string(value.substr(1, value.size() - 2));
  if (value == "(null)" || value.size() % 2 != 0) return std::string(value);
  std::string out;
  for (size_t i = 0; i < value.size(); i += 2) {
    const int hi = hex_digit(value[i]), lo = hex_digit(value[i + 1]);
    if (hi < 0 || lo < 0) return std::string(value);
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// Next space-separated token; a quoted value may hold spaces only if the
// kernel quoted it, which it does not do for values with spaces (they are
// hex-encoded), so a plain split is exact.
std::string_view next_token(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const size_t end = std::min(rest.find(' '), rest.size());
  std::string_view token = rest.substr(0, end);
  rest.remove_prefix(end);
  return token;
}

ParsedRecord failed(std::string why) { return {std::nullopt, std::move(why)}; }

}  // namespace

ParsedRecord parse_netlink_payload(std::string_view payload) {
  // The kernel NUL-terminates some payloads and pads others.
  while (!payload.empty() && (payload.back() == '\0' || payload.back() == '\n')) payload.remove_suffix(1);
  constexpr std::string_view kHead = "audit(";
  if (payload.substr(0, kHead.size()) != kHead) return failed("no audit( header");
  const size_t close = payload.find("): ");
  if (close == std::string_view::npos) return failed("no end of the audit( header");
  const std::string_view stamp = payload.substr(kHead.size(), close - kHead.size());
  const size_t dot = stamp.find('.'), colon = stamp.find(':');
  SeccompRecord r;
  uint64_t seconds = 0, millis = 0;
  if (dot == std::string_view::npos || colon == std::string_view::npos || dot > colon ||
      !to_number(stamp.substr(0, dot), seconds) || !to_number(stamp.substr(dot + 1, colon - dot - 1), millis) ||
      !to_number(stamp.substr(colon + 1), r.serial) || seconds > (UINT64_MAX / 1000) - 1000) {
    return failed(fmt::format("bad audit stamp \"{}\"", stamp));
  }
  r.time_ms = seconds * 1000 + millis;

  bool have_pid = false, have_arch = false, have_syscall = false, have_code = false;
  std::string_view rest = payload.substr(close + 3);
  for (std::string_view token = next_token(rest); !token.empty(); token = next_token(rest)) {
    const size_t eq = token.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = token.substr(0, eq), value = token.substr(eq + 1);
    uint64_t n = 0;
    if (key == "pid") {
      if (!to_number(value, n) || n > UINT32_MAX) return failed(fmt::format("bad pid \"{}\"", value));
      r.pid = static_cast<uint32_t>(n);
      have_pid = true;
    } else if (key == "uid") {
      if (to_number(value, n) && n <= UINT32_MAX) r.uid = static_cast<uint32_t>(n);
    } else if (key == "comm") {
      r.comm = decode_untrusted(value);
    } else if (key == "exe") {
      r.exe = decode_untrusted(value);
    } else if (key == "arch") {
      if (!to_number(value, n, 16) || n > UINT32_MAX) return failed(fmt::format("bad arch \"{}\"", value));
      r.arch = static_cast<uint32_t>(n);
      have_arch = true;
    } else if (key == "syscall") {
      if (!to_number(value, n) || n > INT32_MAX) return failed(fmt::format("bad syscall \"{}\"", value));
      r.syscall = static_cast<int64_t>(n);
      have_syscall = true;
    } else if (key == "compat") {
      r.compat = value == "1";
    } else if (key == "code") {
      if (value.substr(0, 2) != "0x" || !to_number(value.substr(2), n, 16) || n > UINT32_MAX) {
        return failed(fmt::format("bad code \"{}\"", value));
      }
      r.code = static_cast<uint32_t>(n);
      have_code = true;
    }
  }
  if (!have_pid || !have_arch || !have_syscall || !have_code) return failed("missing pid, arch, syscall or code");
  return {std::move(r), {}};
}

ParsedRecord parse_kmsg_line(std::string_view line) {
  const size_t semicolon = line.find(';');
  if (semicolon == std::string_view::npos) return failed("no ';' after the kmsg prefix");
  std::string_view message = line.substr(semicolon + 1);
  constexpr std::string_view kPrefix = "audit: type=1326 ";
  if (message.substr(0, kPrefix.size()) != kPrefix) return failed("not a seccomp record");
  return parse_netlink_payload(message.substr(kPrefix.size()));
}

std::string action_of(uint32_t code) {
  // include/uapi/linux/seccomp.h, SECCOMP_RET_ACTION_FULL.
  switch (code & 0xffff0000U) {
    case 0x80000000U: return "kill_process";
    case 0x00000000U: return "kill_thread";
    case 0x00030000U: return "trap";
    case 0x00050000U: return "errno";
    case 0x7fc00000U: return "notify";
    case 0x7ff00000U: return "trace";
    case 0x7ffc0000U: return "log";
    case 0x7fff0000U: return "allow";
  }
  return fmt::format("0x{:08x}", code & 0xffff0000U);
}

}  // namespace nri_seccomp::denials
