// Which runtimes actually apply a seccomp adjustment. Older runtimes accept
// the response and silently drop the unknown protobuf field, so a container
// that must get a profile would start without it: the gate lets the decision
// refuse instead. Minimums from NRI's compatibility table: containerd 2.2.0,
// CRI-O 1.34.0.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nri_seccomp::policy {

struct Version {
  int major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "rc.1" from "1.34.0-rc.1"; build metadata ("+unknown") is dropped

  // Semantic-version order: a pre-release sorts before its release.
  friend bool operator<(const Version& a, const Version& b);
};

// Accepts "2.3.4", "v2.3.4", "2.1.9+unknown", "1.34.0-rc.1", "2.2" (patch 0).
std::optional<Version> parse_version(std::string_view text);

struct RuntimeSupport {
  bool supported = false;
  std::string minimum;  // "2.2.0", or empty for an unknown runtime
  std::string reason;   // for messages: why not supported; empty when supported
};

// name as sent in ConfigureRequest.runtime_name ("containerd", "cri-o").
RuntimeSupport check_runtime(std::string_view name, std::string_view version);

}  // namespace nri_seccomp::policy
