#include "policy/profile_store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "common/error.h"
#include "common/log.h"
#include "policy/names.h"
#include "seccomp/writer.h"

namespace nri_seccomp::policy {
namespace {

struct Candidate {
  std::string name, path, resolved, error;
  struct stat st {};
};

std::optional<std::string> real_path(const std::string& path, std::string& error) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  return std::string(buf);
}

std::vector<std::string> list_dir(const std::string& dir, std::string& error) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    error = std::strerror(errno);
    return names;
  }
  while (auto* ent = ::readdir(d)) names.emplace_back(ent->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > seccomp::kMaxProfileBytes) return std::nullopt;
  }
  return text;
}

std::string options_key(const StoreOptions& o) {
  std::string key = o.context.arch + "|" + std::to_string(o.context.kernel.major) + "." +
                    std::to_string(o.context.kernel.minor) + "|";
  for (const auto& c : o.context.caps) key += c + ",";
  key += "|";
  for (const auto& a : o.compile.architectures) key += a + ",";
  key += o.compile.unknown_syscalls == seccomp::UnknownSyscalls::error ? "|error" : "|ignore";
  return key;
}

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

size_t ProfileStore::broken() const {
  size_t n = 0;
  for (const auto& [name, entry] : entries_) n += entry->ok() ? 0 : 1;
  return n;
}

const ProfileEntry* ProfileStore::find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.get();
}

ProfileStore ProfileStore::load(const StoreOptions& options, const ProfileStore* previous) {
  ProfileStore store;
  store.dirs_ = options.dirs;
  store.options_key_ = options_key(options);
  const bool can_reuse = previous != nullptr && previous->options_key_ == store.options_key_;

  // Pass 1: names -> files, applying precedence and the symlink rule.
  std::map<std::string, Candidate, std::less<>> candidates;
  for (const auto& dir : options.dirs) {
    std::string error;
    auto real_dir = real_path(dir, error);
    if (!real_dir) {
      store.warnings_.push_back(fmt::format("profile dir {}: cannot open: {}", dir, error));
      continue;
    }
    auto files = list_dir(*real_dir, error);
    if (!error.empty()) {
      store.warnings_.push_back(fmt::format("profile dir {}: cannot list: {}", dir, error));
      continue;
    }
    for (const auto& file : files) {
      auto name = profile_name_of_file(file);
      if (!name) continue;
      Candidate c;
      c.name = *name;
      c.path = dir + (dir.ends_with('/') ? "" : "/") + file;
      if (auto problem = profile_name_problem(c.name)) {
        store.warnings_.push_back(fmt::format("profile file {} skipped: {}", c.path, *problem));
        continue;
      }
      if (auto it = candidates.find(c.name); it != candidates.end()) {
        store.warnings_.push_back(fmt::format("profile {}: {} is shadowed by {} (the first profile dir wins)", c.name,
                                              c.path, it->second.path));
        continue;
      }
      if (auto resolved = real_path(c.path, error)) {
        c.resolved = *resolved;
        if (!c.resolved.starts_with(*real_dir + "/")) {
          c.error = fmt::format("profile file {} resolves to {}, outside its profile dir {}", c.path, c.resolved, dir);
        } else if (::stat(c.resolved.c_str(), &c.st) != 0) {
          c.error = fmt::format("profile file {}: cannot stat: {}", c.path, std::strerror(errno));
        } else if (!S_ISREG(c.st.st_mode)) {
          c.error = fmt::format("profile file {} is not a regular file", c.path);
        } else if (static_cast<uint64_t>(c.st.st_size) > seccomp::kMaxProfileBytes) {
          c.error = fmt::format("profile file {} is {} bytes, over the {} byte limit", c.path, c.st.st_size,
                                seccomp::kMaxProfileBytes);
        }
      } else {
        c.error = fmt::format("profile file {}: cannot resolve: {}", c.path, error);
      }
      candidates.emplace(c.name, std::move(c));
    }
  }

  // SPO profiles may name a base profile: look it up among the same files.
  auto base_lookup_for = [&](bool& used) {
    return [&candidates, &used](std::string_view base) -> std::optional<std::string> {
      used = true;
      auto it = candidates.find(base);
      if (it == candidates.end() || !it->second.error.empty()) return std::nullopt;
      return read_small_file(it->second.resolved);
    };
  };

  // Pass 2: parse, check and compile each file (or reuse an unchanged one).
  for (auto& [name, c] : candidates) {
    auto entry = std::make_shared<ProfileEntry>();
    entry->name = c.name;
    entry->path = c.path;
    entry->resolved_path = c.resolved;
    entry->device = c.st.st_dev;
    entry->inode = c.st.st_ino;
    entry->size = static_cast<uint64_t>(c.st.st_size);
    entry->mtime_ns = mtime_ns(c.st);
    if (!c.error.empty()) {
      entry->error = c.error;
      store.entries_.emplace(name, std::move(entry));
      continue;
    }
    if (can_reuse) {
      auto old = previous->entries_.find(name);
      if (old != previous->entries_.end()) {
        const auto& o = *old->second;
        if (!o.uses_base && o.resolved_path == entry->resolved_path && o.device == entry->device &&
            o.inode == entry->inode && o.size == entry->size && o.mtime_ns == entry->mtime_ns && o.path == entry->path) {
          store.entries_.emplace(name, old->second);
          ++store.reused_;
          continue;
        }
      }
    }
    try {
      seccomp::ReadOptions read;
      read.source_name = c.path;
      read.context = options.context;
      read.base_lookup = base_lookup_for(entry->uses_base);
      auto policy = std::make_shared<seccomp::Policy>(seccomp::read_profile_file(c.resolved, read));
      if (options.compile_cache != nullptr) {
        options.compile_cache->get_or_compile(*policy, options.compile);
      } else {
        seccomp::check_and_compile(*policy, options.compile);
      }
      entry->hash = seccomp::policy_hash(*policy);
      entry->policy = std::move(policy);
    } catch (const Error& e) {
      std::string what = e.what();
      entry->error = what.find(c.path) == std::string::npos ? fmt::format("profile file {}: {}", c.path, what) : what;
    } catch (const std::exception& e) {
      entry->error = fmt::format("profile file {}: {}", c.path, e.what());
    }
    store.entries_.emplace(name, std::move(entry));
  }
  return store;
}

}  // namespace nri_seccomp::policy
