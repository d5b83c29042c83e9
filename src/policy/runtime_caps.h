// What each runtime (name + version, from NRI Configure) can take from us and
// tells us about a container's seccomp. This is the ONE place that knows
// runtime differences: the decision reads a RuntimeCaps and never compares
// runtime names or versions itself. Rows are facts measured on the real
// binaries and checked against their sources (docs/operations.md,
// "Compatibility"):
//   - runtimes before containerd 2.2.0 / CRI-O 1.34.0 drop the adjustment
//     silently (unknown protobuf field);
//   - NRI v0.10/v0.11 (containerd 2.2.x, CRI-O 1.34-1.36) crash the whole
//     runtime on a syscall rule that carries errno_ret;
//   - containerd passes the profile type from 2.2.1 and its built policy from
//     2.3.0; CRI-O passes neither, only its SeccompProfilePath annotation;
//   - CRI-O's RuntimeDefault is containers/common's profile, not containerd's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {

struct Version {
  int major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "rc.1" from "1.34.0-rc.1"; build metadata ("+unknown") is dropped

  // Semantic-version order: a pre-release sorts before its release.
  friend bool operator<(const Version& a, const Version& b);
};

// Accepts "2.3.4", "v2.3.4", "2.1.9+unknown", "1.34.0-rc.1", "2.2" (patch 0).
std::optional<Version> parse_version(std::string_view text);

// Where the container's profile type and Localhost path come from.
enum class ProfileSource {
  none,             // the runtime tells nothing: the policy's assumeWhenUnknown
  nri_profile,      // Container.linux.seccomp_profile (type + localhost_ref)
  crio_annotation,  // container annotation io.kubernetes.cri-o.SeccompProfilePath
};

// crun reads annotations with this prefix from the spec and then ignores (or
// replaces) the spec's seccomp section.
inline constexpr std::string_view kCrunSeccompOverridePrefix = "run.oci.seccomp";

struct RuntimeCaps {
  std::string name, version;        // as the runtime reported them, for messages
  bool applies_seccomp = false;     // honours LinuxContainerAdjustment.seccomp_policy
  // Calls ValidateContainerAdjustment validators. Came with the seccomp
  // adjustment (NRI v0.10): an older NRI refuses to register a plugin that
  // subscribes to it.
  bool validates = false;
  bool sends_current_policy = false;// Container.linux.seccomp_policy is the policy it built
  bool rule_errno_safe = false;     // a LinuxSyscall.errno_ret does not crash it
  ProfileSource profile_source = ProfileSource::none;
  seccomp::RuntimeDefault runtime_default = seccomp::RuntimeDefault::containerd;  // whose RuntimeDefault it runs
  std::string minimum;              // first version that applies adjustments ("2.2.0"); empty: unknown runtime
  std::string errno_minimum;        // first version that takes rule errnos ("2.3.0")
  std::string reason;               // why adjustments are not applied; empty when they are

  // "containerd v2.2.7", for messages.
  std::string label() const;
  // Short, stable identity of what changes a decision (cache keys).
  std::string key() const;
};

// name as sent in ConfigureRequest.runtime_name ("containerd", "cri-o").
RuntimeCaps runtime_caps(std::string_view name, std::string_view version);

}  // namespace nri_seccomp::policy
