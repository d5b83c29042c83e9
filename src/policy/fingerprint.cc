#include "policy/fingerprint.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "policy/names.h"

namespace nri_seccomp::policy {
namespace {

void add_stat(std::string& out, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    fmt::format_to(std::back_inserter(out), "{}:missing\n", path);
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}:{}:{}:{}:{}.{}\n", path, st.st_dev, st.st_ino, st.st_size,
                 st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

}  // namespace

std::string fingerprint(const std::string& config_path, const std::vector<std::string>& dirs) {
  std::string out;
  if (!config_path.empty()) add_stat(out, config_path);
  for (const auto& dir : dirs) {
    add_stat(out, dir);
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    std::vector<std::string> names;
    while (auto* ent = ::readdir(d)) {
      if (profile_name_of_file(ent->d_name)) names.emplace_back(ent->d_name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) add_stat(out, dir + "/" + name);
  }
  return out;
}

}  // namespace nri_seccomp::policy
