#include "denials/attribution.h"

#include <seccomp.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace nri_seccomp::denials {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The last run of exactly 64 hex digits in one path component.
std::string id_in_component(std::string_view component) {
  if (component.rfind("crio-conmon-", 0) == 0) return {};
  std::string found;
  size_t i = 0;
  while (i < component.size()) {
    if (!is_hex(component[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < component.size() && is_hex(component[j])) ++j;
    if (j - i == 64) found = std::string(component.substr(i, 64));
    i = j;
  }
  return found;
}

}  // namespace

std::string container_id_in_cgroups(std::string_view text) {
  std::string found;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    // "ID:CONTROLLERS:PATH"; the path may itself hold ':'.
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view path = line.substr(second + 1);
    std::string in_line;
    while (!path.empty()) {
      const size_t slash = std::min(path.find('/'), path.size());
      if (auto id = id_in_component(path.substr(0, slash)); !id.empty()) in_line = std::move(id);
      path.remove_prefix(std::min(slash + 1, path.size()));
    }
    if (!in_line.empty()) {
      found = std::move(in_line);
      break;  // every hierarchy names the same container
    }
  }
  return found;
}

std::string container_id_of_pid(uint32_t pid) {
  std::ifstream in(fmt::format("/proc/{}/cgroup", pid));
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return container_id_in_cgroups(text.str());
}

std::string syscall_name(uint32_t audit_arch, int64_t nr) {
  // libseccomp's SCMP_ARCH_* tokens are the kernel's AUDIT_ARCH_* values.
  uint32_t arch = audit_arch;
  constexpr int64_t kX32Bit = 0x40000000;
  if (audit_arch == SCMP_ARCH_X86_64 && (nr & kX32Bit) != 0) arch = SCMP_ARCH_X32;
  if (nr < 0 || nr > INT32_MAX) return fmt::format("syscall#{}", nr);
  char* name = seccomp_syscall_resolve_num_arch(arch, static_cast<int>(nr));
  if (name == nullptr) return fmt::format("syscall#{}", nr);
  std::string out(name);
  std::free(name);
  return out;
}

}  // namespace nri_seccomp::denials
