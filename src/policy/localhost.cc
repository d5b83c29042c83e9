#include "policy/localhost.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace nri_seccomp::policy {
namespace {

constexpr size_t kMaxCachedLocalhostProfiles = 256;

}  // namespace

std::string resolve_localhost_ref(std::string_view ref, const std::string& root) {
  if (ref.empty()) fail("Localhost seccomp profile without a path (localhost_ref is empty)");
  if (ref.find('\0') != std::string_view::npos) fail("Localhost seccomp profile path contains a NUL byte");
  std::string rel(ref);
  if (rel.starts_with("localhost/")) rel = rel.substr(std::string_view("localhost/").size());
  if (rel.empty()) fail("Localhost seccomp profile {} names no file", ref);
  const std::string candidate = rel.front() == '/' ? rel : root + "/" + rel;

  char buf[PATH_MAX];
  if (::realpath(root.c_str(), buf) == nullptr) {
    fail("Localhost seccomp profile {}: kubelet seccomp root {} is not readable: {}", ref, root, std::strerror(errno));
  }
  const std::string real_root = buf;
  if (::realpath(candidate.c_str(), buf) == nullptr) {
    fail("Localhost seccomp profile {}: cannot open {}: {}", ref, candidate, std::strerror(errno));
  }
  const std::string real = buf;
  if (!real.starts_with(real_root + "/")) {
    fail("Localhost seccomp profile {} resolves to {}, outside the kubelet seccomp root {}", ref, real, root);
  }
  return real;
}

LocalhostProfile LocalhostCache::get(std::string_view ref, const std::string& root,
                                     const seccomp::ResolveContext& context) {
  LocalhostProfile out;
  out.path = resolve_localhost_ref(ref, root);
  struct stat st {};
  if (::stat(out.path.c_str(), &st) != 0) {
    fail("Localhost seccomp profile {}: cannot stat {}: {}", ref, out.path, std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) fail("Localhost seccomp profile {}: {} is not a regular file", ref, out.path);
  out.identity = fmt::format("localhost:{}:{}:{}:{}:{}.{}", out.path, st.st_dev, st.st_ino, st.st_size,
                             st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_identity_.find(out.identity); it != by_identity_.end()) {
      out.policy = it->second;
      return out;
    }
  }
  seccomp::ReadOptions read;
  read.source_name = out.path;
  read.context = context;
  auto policy = std::make_shared<const seccomp::Policy>(seccomp::read_profile_file(out.path, read));
  std::lock_guard lock(mutex_);
  if (by_identity_.size() >= kMaxCachedLocalhostProfiles) by_identity_.clear();
  by_identity_.emplace(out.identity, policy);
  out.policy = std::move(policy);
  return out;
}

}  // namespace nri_seccomp::policy
