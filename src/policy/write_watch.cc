#include "policy/write_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "policy/names.h"

namespace nri_seccomp::policy {

WriteWatch::WriteWatch() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (fd_ < 0) log::warn("write_watch_unavailable", {{"error", std::strerror(errno)}, {"fallback", "two stable polls"}});
}

WriteWatch::~WriteWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void WriteWatch::watch(const std::string& config_path, const std::vector<std::string>& dirs) {
  if (fd_ < 0 || (config_path == config_path_ && dirs == dirs_)) return;
  config_path_ = config_path;
  dirs_ = dirs;
  for (const auto& w : watches_) ::inotify_rm_watch(fd_, w.wd);
  watches_.clear();
  open_.clear();
  auto add = [&](const std::string& dir, const std::string& only) {
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_ONLYDIR);
    // The kernel hands out one descriptor per directory: a dir watched twice
    // (config next to profiles) counts both ways.
    if (wd >= 0) watches_.push_back({wd, dir, only});  // a missing dir is watched once it exists (next reload)
  };
  if (!config_path.empty()) {
    const auto slash = config_path.rfind('/');
    add(slash == std::string::npos ? "." : config_path.substr(0, std::max<size_t>(slash, 1)),
        slash == std::string::npos ? config_path : config_path.substr(slash + 1));
  }
  for (const auto& dir : dirs) add(dir, "");
}

bool WriteWatch::counts(const Watch& w, const std::string& name) const {
  return w.only.empty() ? profile_name_of_file(name).has_value() : name == w.only;
}

const std::set<std::string>& WriteWatch::open_writes() {
  if (fd_ < 0) return open_;
  alignas(struct inotify_event) char buffer[16 * 1024];
  while (true) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n <= 0) break;  // EAGAIN: nothing more
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buffer + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        // Lost events: we cannot tell who still writes. Forget, and let the
        // two-stable-polls rule decide.
        open_.clear();
        continue;
      }
      if (ev->len == 0) continue;
      const std::string name = ev->name;
      for (const auto& w : watches_) {
        if (w.wd != ev->wd || !counts(w, name)) continue;
        const std::string path = w.dir + "/" + name;
        if (ev->mask & IN_CLOSE_WRITE) {
          open_.erase(path);
        } else if (ev->mask & IN_MODIFY) {
          open_.insert(path);
        }
      }
    }
  }
  return open_;
}

}  // namespace nri_seccomp::policy
