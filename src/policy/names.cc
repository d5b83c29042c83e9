#include "policy/names.h"

#include <fmt/format.h>

namespace nri_seccomp::policy {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::optional<std::string> profile_name_problem(std::string_view name) {
  if (name.empty()) return "empty profile name";
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) return "profile name is only whitespace";
  if (name.size() > kMaxProfileNameLength) {
    return fmt::format("profile name is {} bytes long (at most {})", name.size(), kMaxProfileNameLength);
  }
  if (name.front() == '/') return fmt::format("profile name \"{}\" is an absolute path; use the plain profile name", name);
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    return fmt::format("profile name \"{}\" contains a path separator; use the plain profile name", name);
  }
  if (name.find("..") != std::string_view::npos) return fmt::format("profile name \"{}\" contains \"..\"", name);
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!is_name_char(static_cast<char>(c))) {
      std::string shown = (c >= 0x20 && c < 0x7f) ? fmt::format("'{}'", static_cast<char>(c)) : fmt::format("byte 0x{:02x}", c);
      return fmt::format("profile name \"{}\" has {} at position {} (allowed: letters, digits, '-', '_', '.')",
                         name.size() > 64 ? std::string(name.substr(0, 64)) + "..." : std::string(name), shown, i);
    }
  }
  if (!is_alnum(name.front())) return fmt::format("profile name \"{}\" must start with a letter or digit", name);
  return std::nullopt;
}

std::optional<std::string> profile_name_of_file(std::string_view file_name) {
  if (file_name.empty() || file_name.front() == '.') return std::nullopt;
  for (std::string_view ext : {".json", ".yaml", ".yml"}) {
    if (file_name.size() > ext.size() && file_name.substr(file_name.size() - ext.size()) == ext) {
      return std::string(file_name.substr(0, file_name.size() - ext.size()));
    }
  }
  return std::nullopt;
}

}  // namespace nri_seccomp::policy
