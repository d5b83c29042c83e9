#include "policy/annotations.h"

#include <algorithm>

#include "common/error.h"
#include "policy/names.h"

namespace nri_seccomp::policy {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string container_key(std::string_view prefix, std::string_view container_name) {
  return fmt::format("{}/container.{}", prefix, container_name);
}

std::string pod_key(std::string_view prefix) { return fmt::format("{}/pod", prefix); }

ProfileRequest parse_profile_list(std::string_view value, std::string_view key) {
  ProfileRequest request;
  request.key = std::string(key);
  if (value.size() > kMaxAnnotationValueBytes) {
    fail("annotation {} is {} bytes long (at most {})", key, value.size(), kMaxAnnotationValueBytes);
  }
  std::string_view list = trim(value);
  if (list.substr(0, kReplacePrefix.size()) == kReplacePrefix) {
    request.replace = true;
    list = trim(list.substr(kReplacePrefix.size()));
  }
  if (list.empty()) fail("annotation {} names no profile (value \"{}\")", key, value);

  size_t count = 0;
  size_t pos = 0;
  while (true) {
    const auto comma = list.find(',', pos);
    const auto raw = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    ++count;
    if (count > kMaxProfilesPerAnnotation) {
      fail("annotation {} names more than {} profiles", key, kMaxProfilesPerAnnotation);
    }
    const auto name = trim(raw);
    if (name.empty()) fail("annotation {} has an empty entry at position {} (value \"{}\")", key, count, value);
    if (auto problem = profile_name_problem(name)) fail("annotation {}: {}", key, *problem);
    if (std::find(request.names.begin(), request.names.end(), name) == request.names.end()) {
      request.names.emplace_back(name);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return request;
}

}  // namespace nri_seccomp::policy
