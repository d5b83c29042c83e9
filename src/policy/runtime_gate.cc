#include "policy/runtime_gate.h"

#include <charconv>
#include <tuple>

#include <fmt/format.h>

namespace nri_seccomp::policy {
namespace {

bool read_number(std::string_view& s, int& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (ec != std::errc() || ptr == s.data() || out < 0) return false;
  s.remove_prefix(static_cast<size_t>(ptr - s.data()));
  return true;
}

}  // namespace

bool operator<(const Version& a, const Version& b) {
  if (std::tie(a.major, a.minor, a.patch) != std::tie(b.major, b.minor, b.patch)) {
    return std::tie(a.major, a.minor, a.patch) < std::tie(b.major, b.minor, b.patch);
  }
  if (a.prerelease.empty() != b.prerelease.empty()) return !a.prerelease.empty();
  return a.prerelease < b.prerelease;
}

std::optional<Version> parse_version(std::string_view s) {
  Version v;
  if (!s.empty() && (s.front() == 'v' || s.front() == 'V')) s.remove_prefix(1);
  if (auto plus = s.find('+'); plus != std::string_view::npos) s = s.substr(0, plus);
  if (!read_number(s, v.major)) return std::nullopt;
  if (s.empty() || s.front() != '.') return std::nullopt;
  s.remove_prefix(1);
  if (!read_number(s, v.minor)) return std::nullopt;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (!read_number(s, v.patch)) return std::nullopt;
  }
  if (!s.empty()) {
    if (s.front() != '-' || s.size() == 1) return std::nullopt;
    v.prerelease = std::string(s.substr(1));
  }
  return v;
}

RuntimeSupport check_runtime(std::string_view name, std::string_view version) {
  RuntimeSupport r;
  Version minimum;
  if (name == "containerd") {
    minimum = {2, 2, 0, {}};
  } else if (name == "cri-o" || name == "crio" || name == "CRI-O") {
    minimum = {1, 34, 0, {}};
  } else {
    r.reason = name.empty() ? "unknown runtime (none reported)"
                            : fmt::format("unknown runtime {} {} (only containerd and CRI-O are known to apply seccomp adjustments)",
                                          name, version);
    return r;
  }
  r.minimum = fmt::format("{}.{}.{}", minimum.major, minimum.minor, minimum.patch);
  auto parsed = parse_version(version);
  if (!parsed) {
    r.reason = fmt::format("runtime {} reports an unreadable version \"{}\" (needs >= {})", name, version, r.minimum);
    return r;
  }
  if (*parsed < minimum) {
    r.reason = fmt::format("runtime {} {} cannot apply seccomp adjustments (needs >= {})", name, version, r.minimum);
    return r;
  }
  r.supported = true;
  return r;
}

}  // namespace nri_seccomp::policy
