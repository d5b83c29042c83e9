// The cluster-wide seccomp policy (`--config FILE` or the runtime's Configure
// string): which profiles every container gets, what annotations may ask for,
// and how strictly. Schema `seccomp.noderesource.dev/v1alpha1`, kind
// `SeccompPolicy`; docs/policy.md is the reference. Parsing is strict: unknown
// fields and wrong types are errors naming the field path and line, because a
// typo in a security policy must not silently mean "no policy".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seccomp/libseccomp_hazards.h"

namespace nri_seccomp::policy {

inline constexpr std::string_view kApiVersion = "seccomp.noderesource.dev/v1alpha1";
inline constexpr std::string_view kKind = "SeccompPolicy";
inline constexpr std::string_view kDefaultAnnotationPrefix = "seccomp.noderesource.dev";
inline constexpr std::string_view kDefaultKubeletSeccompRoot = "/var/lib/kubelet/seccomp";

enum class Mode { enforce, complain, off };
enum class BaseAssumption { runtime_default, unconfined };
enum class MissingProfile { refuse, fallback };
enum class UnsupportedRuntime { refuse, allow };
// For runtimes that crash on a syscall rule's errno (containerd 2.2.x, CRI-O
// 1.34-1.36): refuse policies that need an errno other than EPERM, or send an
// approximation (ENOSYS -> TRACE, others -> EPERM; docs/policy.md says what it weakens).
enum class UnsupportedErrno { refuse, approximate };
// Annotations that ask the OCI runtime to bypass the spec's seccomp section
// (crun's run.oci.seccomp*): refuse the container, or strip them in the
// adjustment so the spec's policy is what the OCI runtime applies.
enum class RuntimeOverrides { refuse, strip };
enum class UnknownSyscalls { error, ignore };

std::string_view mode_name(Mode m);
std::string_view base_assumption_name(BaseAssumption b);

// The knobs a rule may set. In `defaults` an unset field takes the built-in
// default; in a rule an unset field inherits the value from `defaults`.
struct Settings {
  std::optional<Mode> mode;
  std::optional<std::vector<std::string>> profiles;          // for containers without an annotation
  std::optional<std::vector<std::string>> mandatory;         // merged into every selected container
  std::optional<std::vector<std::string>> allowed_profiles;  // unset: annotations may name any profile
  std::optional<bool> allow_replace;
  std::optional<bool> allow_unconfined;
};

struct Rule {
  std::string name;
  std::vector<std::string> namespaces;                  // empty: every namespace
  std::map<std::string, std::string> match_labels;      // on pod labels; empty: every pod
  Settings settings;
  bool exempt = false;                                  // matching containers are left untouched
};

struct Config {
  std::string source;  // file path or "runtime configure"; for messages
  std::string annotation_prefix{kDefaultAnnotationPrefix};
  std::vector<std::string> profile_dirs;
  std::string kubelet_seccomp_root{kDefaultKubeletSeccompRoot};
  BaseAssumption assume_when_unknown = BaseAssumption::runtime_default;
  MissingProfile on_missing_profile = MissingProfile::refuse;
  UnsupportedRuntime unsupported_runtime = UnsupportedRuntime::refuse;
  UnsupportedErrno unsupported_errno = UnsupportedErrno::refuse;
  RuntimeOverrides runtime_overrides = RuntimeOverrides::refuse;
  UnknownSyscalls unknown_syscalls = UnknownSyscalls::error;
  // The libseccomp the runtime compiles the final filter with, when the
  // policy declares it (runtimeLibseccomp); unset: taken to be the plugin's.
  std::optional<seccomp::LibseccompVersion> runtime_libseccomp;
  std::string audit_log;       // JSON-lines path; empty: none
  std::string metrics_address; // host:port; empty: none (the daemon wires it)
  Settings defaults;
  std::vector<Rule> rules;
};

// What applies to one container once defaults and the first matching rule are
// combined. `rule` is the matching rule's name or "defaults".
struct Effective {
  std::string rule = "defaults";
  bool exempt = false;
  Mode mode = Mode::enforce;
  std::vector<std::string> profiles;
  std::vector<std::string> mandatory;
  std::optional<std::vector<std::string>> allowed_profiles;
  bool allow_replace = false;
  bool allow_unconfined = true;
};

// Throws ProfileError "config <source>: <field path> (line N): <what>".
Config parse_config(std::string_view yaml_text, std::string_view source_name);
Config load_config_file(const std::string& path);  // 1 MiB limit

// Rules are tried in order; the first whose namespaces and podSelector both
// match wins, its unset fields falling back to `defaults`. `Labels` is any map
// with find(std::string) (std::map, google::protobuf::Map).
Effective combine(const Settings& defaults, const Rule* rule);

template <typename Labels>
bool rule_matches(const Rule& rule, std::string_view pod_namespace, const Labels& pod_labels) {
  if (!rule.namespaces.empty()) {
    bool found = false;
    for (const auto& ns : rule.namespaces) found = found || ns == pod_namespace;
    if (!found) return false;
  }
  for (const auto& [key, value] : rule.match_labels) {
    auto it = pod_labels.find(key);
    if (it == pod_labels.end() || it->second != value) return false;
  }
  return true;
}

template <typename Labels>
Effective effective_settings(const Config& config, std::string_view pod_namespace, const Labels& pod_labels) {
  for (const auto& rule : config.rules) {
    if (rule_matches(rule, pod_namespace, pod_labels)) return combine(config.defaults, &rule);
  }
  return combine(config.defaults, nullptr);
}

}  // namespace nri_seccomp::policy
