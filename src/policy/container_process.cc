#include "policy/container_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace nri_seccomp::policy {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A pidfd for `pid` if its cgroup names the container; the pidfd keeps
// naming the same process even if the pid is recycled afterwards.
int open_if_container(uint32_t pid, const std::string& container_id, std::string& why) {
  if (pid == 0 || container_id.empty()) {
    why = "the runtime gave no pid";
    return -1;
  }
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
  if (fd < 0) {
    why = fmt::format("pid {} cannot be opened: {}", pid, std::strerror(errno));
    return -1;
  }
  // Read after the pidfd exists: if this pid is ours now, the pidfd is too.
  if (slurp(fmt::format("/proc/{}/cgroup", pid)).find(container_id) == std::string::npos) {
    ::close(fd);
    why = fmt::format("pid {} is not this container's (its cgroup does not name it; no host pid namespace?)", pid);
    return -1;
  }
  return fd;
}

}  // namespace

std::string kill_container_process(uint32_t pid, const std::string& container_id) {
  std::string why;
  const int fd = open_if_container(pid, container_id, why);
  if (fd < 0) return why;
  const long rc = ::syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? std::string("killed") : fmt::format("SIGKILL to pid {} failed: {}", pid, std::strerror(err));
}

std::optional<int> container_seccomp_mode(uint32_t pid, const std::string& container_id) {
  std::string why;
  const int fd = open_if_container(pid, container_id, why);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  std::istringstream status(slurp(fmt::format("/proc/{}/status", pid)));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Seccomp:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return std::nullopt;
}

}  // namespace nri_seccomp::policy
