// Placeholder until the format readers land (keeps the library linkable).
#include "seccomp/reader.h"

#include "common/error.h"

namespace nri_seccomp::seccomp {

std::string_view format_name(Format f) {
  switch (f) {
    case Format::auto_detect: return "auto";
    case Format::oci_json: return "oci-json";
    case Format::moby_json: return "moby-json";
    case Format::spo_yaml: return "spo-yaml";
  }
  return "unknown";
}

Format detect_format(std::string_view) { return Format::oci_json; }

Policy read_profile(std::string_view, const ReadOptions& options) {
  fail<ProfileError>("profile {}: readers not implemented yet", options.source_name);
}

Policy read_profile_file(const std::string& path, ReadOptions) {
  fail<ProfileError>("profile {}: readers not implemented yet", path);
}

}  // namespace nri_seccomp::seccomp
