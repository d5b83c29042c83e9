// Reading seccomp profiles into a Policy: OCI `linux.seccomp` JSON, Docker/moby
// style JSON (archMap, includes/excludes resolved for a ResolveContext) and the
// Security Profiles Operator's SeccompProfile YAML (with baseProfileName).
// Strict by default: unknown fields, duplicate keys, wrong types and bad names
// are ProfileErrors naming the source, the path (and YAML line) and what was
// expected, so a broken profile is refused rather than half-applied.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

enum class Format { auto_detect, oci_json, moby_json, spo_yaml };

std::string_view format_name(Format f);  // "auto", "oci-json", "moby-json", "spo-yaml"

struct KernelVersion {
  int major = 0, minor = 0;
  friend auto operator<=>(const KernelVersion&, const KernelVersion&) = default;
};

// What moby-style conditions (includes/excludes) are resolved against.
struct ResolveContext {
  std::string arch = "SCMP_ARCH_X86_64";  // node's native arch
  std::vector<std::string> caps;           // effective capabilities, "CAP_SYS_ADMIN" style
  KernelVersion kernel;                    // 0.0 = unknown: minKernel conditions treated as met
};

// SPO baseProfileName -> profile text (any supported format), nullopt if unknown.
using BaseLookup = std::function<std::optional<std::string>(std::string_view name)>;

inline constexpr size_t kMaxProfileBytes = 1 << 20;  // 1 MiB per profile
inline constexpr int kMaxBaseDepth = 8;               // SPO baseProfileName chain
inline constexpr int kMaxNesting = 64;                // JSON/YAML nesting levels

struct ReadOptions {
  std::string source_name;  // used in every error message (file path, "annotation", ...)
  Format format = Format::auto_detect;
  ResolveContext context;
  BaseLookup base_lookup;  // without it, a baseProfileName is an error
  // Fail closed by default. With strict = false unknown fields are skipped
  // (and noted in *warnings if given); everything else is still checked.
  bool strict = true;
  std::vector<std::string>* warnings = nullptr;
};

// Which format `text` is in (never returns auto_detect). Does not validate.
Format detect_format(std::string_view text);

Policy read_profile(std::string_view text, const ReadOptions& options);  // throws ProfileError
// Reads at most kMaxProfileBytes; options.source_name is set to `path` if empty.
Policy read_profile_file(const std::string& path, ReadOptions options);

}  // namespace nri_seccomp::seccomp
