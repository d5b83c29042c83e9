#include "nri/plugin_identity.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace nri_seccomp::nri {

void check_plugin_name(std::string_view name) {
  if (name.empty()) fail("invalid plugin name '': must not be empty");
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+';
    if (!ok) {
      fail("invalid plugin name '{}': character '{}' not allowed (letters, digits, '-', '_', '.', '+')",
           name, c);
    }
  }
}

void check_plugin_index(std::string_view index) {
  bool ok = index.size() == 2 && std::isdigit(static_cast<unsigned char>(index[0])) &&
            std::isdigit(static_cast<unsigned char>(index[1]));
  if (!ok) fail("invalid plugin index '{}': must be exactly two digits (00..99)", index);
}

std::optional<LaunchEnvironment> launch_environment() {
  const char* socket = std::getenv(kSocketEnv);
  if (socket == nullptr || *socket == '\0') return std::nullopt;
  char* end = nullptr;
  long fd = std::strtol(socket, &end, 10);
  if (*end != '\0' || fd < 0 || fd > 1 << 20) fail("{}='{}' is not a file descriptor number", kSocketEnv, socket);
  struct stat st {};
  if (::fstat(static_cast<int>(fd), &st) != 0) {
    fail("{}={}: descriptor is not open: {}", kSocketEnv, fd, std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode)) fail("{}={}: descriptor is not a socket", kSocketEnv, fd);
  // Not for our children (none expected, but a leaked runtime socket would
  // keep the connection alive after we exit).
  ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);

  LaunchEnvironment env;
  env.socket_fd = static_cast<int>(fd);
  if (const char* name = std::getenv(kNameEnv); name && *name) env.name = name;
  if (const char* index = std::getenv(kIndexEnv); index && *index) env.index = index;
  return env;
}

}  // namespace nri_seccomp::nri
