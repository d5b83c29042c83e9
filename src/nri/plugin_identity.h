// Plugin name and index as NRI accepts them, and where they come from when
// the runtime launches the plugin itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nri_seccomp::nri {

// Throw Error naming the bad value and the rule.
void check_plugin_name(std::string_view name);   // letters, digits, '-', '_', '.', '+'
void check_plugin_index(std::string_view index); // exactly two digits

// Set by a runtime that launched us (pre-installed plugin mode).
inline constexpr const char* kSocketEnv = "NRI_PLUGIN_SOCKET";
inline constexpr const char* kNameEnv = "NRI_PLUGIN_NAME";
inline constexpr const char* kIndexEnv = "NRI_PLUGIN_IDX";

struct LaunchEnvironment {
  int socket_fd = -1;
  std::optional<std::string> name, index;
};

// Reads the NRI_PLUGIN_* variables; nullopt when NRI_PLUGIN_SOCKET is unset.
// Throws Error if it is set but is not an open socket descriptor.
std::optional<LaunchEnvironment> launch_environment();

}  // namespace nri_seccomp::nri
