// The profiles a state knows by name, read from the profile directories.
// Every file is parsed AND checked+compiled when the store is loaded, never
// on the request path: a request only looks names up. A file that fails is
// kept as a broken entry with its error, so a request naming it is refused
// with the real reason instead of "not found".
//
// Directory rules (docs/policy.md): name = file name minus .json/.yaml/.yml;
// hidden entries are skipped (Kubernetes ConfigMap volumes keep their data in
// `..data`/`..<timestamp>` and expose `name.json -> ..data/name.json`);
// symlinks are followed only when they resolve inside the directory; no
// recursion; the first directory that has a name wins, later ones get a
// warning; files over 1 MiB are broken entries.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "seccomp/compile.h"
#include "seccomp/model.h"
#include "seccomp/reader.h"

namespace nri_seccomp::policy {

struct ProfileEntry {
  std::string name;
  std::string path;           // as found in the directory
  std::string resolved_path;  // after symlinks
  std::shared_ptr<const seccomp::Policy> policy;  // null when broken
  std::string hash;           // seccomp::policy_hash, when loaded
  std::string error;          // why it is broken; empty when loaded

  // File identity, to reuse an unchanged entry on reload without re-reading.
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtime_ns = 0;
  bool uses_base = false;     // read another profile (SPO baseProfileName): never reused

  bool ok() const { return policy != nullptr; }
};

struct StoreOptions {
  std::vector<std::string> dirs;  // in precedence order
  seccomp::ResolveContext context;
  seccomp::CompileOptions compile;
  seccomp::CompileCache* compile_cache = nullptr;  // optional; else compiles directly
};

class ProfileStore {
 public:
  ProfileStore() = default;

  // Never throws for bad files or dirs: they become broken entries/warnings.
  // `previous` lets unchanged files (same identity, same options) be reused.
  static ProfileStore load(const StoreOptions& options, const ProfileStore* previous = nullptr);

  const ProfileEntry* find(std::string_view name) const;
  size_t size() const { return entries_.size(); }
  size_t broken() const;
  size_t reused() const { return reused_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::vector<std::string>& dirs() const { return dirs_; }
  const std::map<std::string, std::shared_ptr<const ProfileEntry>, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::shared_ptr<const ProfileEntry>, std::less<>> entries_;
  std::vector<std::string> warnings_;
  std::vector<std::string> dirs_;
  std::string options_key_;
  size_t reused_ = 0;
};

}  // namespace nri_seccomp::policy
