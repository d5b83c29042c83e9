// Localhost seccomp profiles (securityContext.seccompProfile.type: Localhost):
// the kubelet hands the runtime a path under its seccomp root. We read that
// file only from inside the root (after resolving symlinks and ".."), so a
// pod spec cannot make the plugin read arbitrary host files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "seccomp/model.h"
#include "seccomp/reader.h"

namespace nri_seccomp::policy {

// Resolves `localhost_ref` (absolute, or relative to the root, optionally
// with the legacy "localhost/" prefix) to a real path inside `root`.
// Throws Error naming the reference and the root on escapes or missing files.
std::string resolve_localhost_ref(std::string_view localhost_ref, const std::string& root);

struct LocalhostProfile {
  std::string identity;  // "localhost:<real path>:<dev>:<ino>:<size>:<mtime>": changes when the file does
  std::string path;
  std::shared_ptr<const seccomp::Policy> policy;
};

// Parsed Localhost profiles, re-read when the file's identity changes.
// Thread-safe; bounded (cleared when it grows past a limit).
class LocalhostCache {
 public:
  LocalhostProfile get(std::string_view localhost_ref, const std::string& root, const seccomp::ResolveContext& context);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const seccomp::Policy>, std::less<>> by_identity_;
};

}  // namespace nri_seccomp::policy
