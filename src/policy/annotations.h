// Which profiles a container asks for through annotations:
//   <prefix>/container.<NAME>: a,b     one container
//   <prefix>/pod: a,b  (or <prefix>)   every container of the pod without its own key
//   value "replace:a,b"                full replacement instead of a merge
// Both the container's and the pod sandbox's annotation maps are read; for
// the same key the container's map wins (it is the more specific object).
// Key precedence: container.<NAME>, then pod, then the plain prefix.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp::policy {

inline constexpr size_t kMaxAnnotationValueBytes = 1024;
inline constexpr size_t kMaxProfilesPerAnnotation = 16;
inline constexpr std::string_view kReplacePrefix = "replace:";

struct ProfileRequest {
  std::vector<std::string> names;  // validated, de-duplicated, in the order written
  bool replace = false;
  std::string key;                 // the annotation key that was used
  std::string where;               // "container annotation" or "pod annotation"
};

// Parses one annotation value. Throws Error whose message names the key and
// the problem (empty entry, path tricks, bad characters, too long, too many).
ProfileRequest parse_profile_list(std::string_view value, std::string_view key);

// Annotation keys for a prefix and container name.
std::string container_key(std::string_view prefix, std::string_view container_name);
std::string pod_key(std::string_view prefix);

// `Annotations` is any map with find(std::string) (std::map, google::protobuf::Map).
template <typename Annotations>
std::optional<ProfileRequest> find_profile_request(std::string_view prefix, std::string_view container_name,
                                                   const Annotations& pod_annotations,
                                                   const Annotations& container_annotations) {
  const std::string keys[] = {container_key(prefix, container_name), pod_key(prefix), std::string(prefix)};
  for (const auto& key : keys) {
    if (auto it = container_annotations.find(key); it != container_annotations.end()) {
      auto request = parse_profile_list(it->second, key);
      request.where = "container annotation";
      return request;
    }
    if (auto it = pod_annotations.find(key); it != pod_annotations.end()) {
      auto request = parse_profile_list(it->second, key);
      request.where = "pod annotation";
      return request;
    }
  }
  return std::nullopt;
}

}  // namespace nri_seccomp::policy
