#include "policy/runtime_caps.h"

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

namespace {

struct Row {
  std::string_view runtime;  // canonical name
  std::string_view from;     // first version the row covers (rows ascend per runtime)
  bool applies_seccomp, sends_current_policy, rule_errno_safe;
  ProfileSource profile_source;
};

// One row per change in behaviour; a version takes the last row at or below it.
// "1.37.0-0" is the first pre-release of 1.37.0: CRI-O's main branch reports
// 1.37.0-dev and already vendors NRI v0.12.0 (the errno_ret fix).
constexpr Row kRows[] = {
    {"containerd", "0.0.0", false, false, false, ProfileSource::none},
    {"containerd", "2.2.0", true, false, false, ProfileSource::none},         // NRI v0.10: adjusts seccomp
    {"containerd", "2.2.1", true, false, false, ProfileSource::nri_profile},  // passes the profile type
    {"containerd", "2.3.0", true, true, true, ProfileSource::nri_profile},    // NRI v0.12: current policy, errnos safe
    {"cri-o", "0.0.0", false, false, false, ProfileSource::crio_annotation},
    {"cri-o", "1.34.0", true, false, false, ProfileSource::crio_annotation},  // NRI v0.10: adjusts seccomp
    {"cri-o", "1.37.0-0", true, false, true, ProfileSource::crio_annotation}, // NRI v0.12: errnos safe
};

std::string_view canonical_name(std::string_view name) {
  if (name == "containerd") return "containerd";
  if (name == "cri-o" || name == "crio" || name == "CRI-O") return "cri-o";
  return {};
}

// "1.37.0-0" -> "1.37.0": the release users know.
std::string display(std::string_view from) { return std::string(from.substr(0, from.find('-'))); }

}  // namespace

std::string RuntimeCaps::label() const {
  if (name.empty()) return "an unknown runtime";
  return version.empty() ? name : fmt::format("{} {}", name, version);
}

std::string RuntimeCaps::key() const {
  return fmt::format("{}{}{}{}{}", applies_seccomp ? 'A' : 'a', sends_current_policy ? 'P' : 'p',
                     rule_errno_safe ? 'E' : 'e', static_cast<int>(profile_source), static_cast<int>(runtime_default));
}

RuntimeCaps runtime_caps(std::string_view name, std::string_view version) {
  RuntimeCaps caps;
  caps.name = std::string(name);
  caps.version = std::string(version);
  const std::string_view runtime = canonical_name(name);
  if (runtime.empty()) {
    caps.reason = name.empty() ? "unknown runtime (none reported)"
                               : fmt::format("unknown runtime {} {} (only containerd and CRI-O are known to apply seccomp adjustments)",
                                             name, version);
    return caps;
  }
  caps.runtime_default = runtime == "cri-o" ? seccomp::RuntimeDefault::cri_o : seccomp::RuntimeDefault::containerd;
  const Row* row = nullptr;
  for (const Row& r : kRows) {
    if (r.runtime != runtime) continue;
    if (caps.minimum.empty() && r.applies_seccomp) caps.minimum = display(r.from);
    if (caps.errno_minimum.empty() && r.rule_errno_safe) caps.errno_minimum = display(r.from);
  }
  auto parsed = parse_version(version);
  if (!parsed) {
    caps.reason = fmt::format("runtime {} reports an unreadable version \"{}\" (needs >= {})", name, version, caps.minimum);
    return caps;
  }
  for (const Row& r : kRows) {
    if (r.runtime == runtime && !(*parsed < *parse_version(r.from))) row = &r;
  }
  if (row != nullptr) caps.profile_source = row->profile_source;
  if (row == nullptr || !row->applies_seccomp) {
    caps.reason = fmt::format("runtime {} {} cannot apply seccomp adjustments (needs >= {})", name, version, caps.minimum);
    return caps;
  }
  caps.applies_seccomp = true;
  caps.validates = true;
  caps.sends_current_policy = row->sends_current_policy;
  caps.rule_errno_safe = row->rule_errno_safe;
  return caps;
}

}  // namespace nri_seccomp::policy
