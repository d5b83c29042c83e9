#include "policy/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "policy/names.h"
#include "seccomp/read_document.h"

namespace nri_seccomp::policy {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

// Carries the source and field path so every error says where it is.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail_at(const YAML::Node& node, const std::string& path, const std::string& what) const {
    const auto mark = node.Mark();
    if (mark.line >= 0) {
      fail<ProfileError>("config {}: {} (line {}): {}", source_, path, mark.line + 1, what);
    }
    fail<ProfileError>("config {}: {}: {}", source_, path, what);
  }

  void only_fields(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> known) const {
    if (!map.IsMap()) fail_at(map, path.empty() ? "<document>" : path, "expected a mapping");
    for (const auto& item : map) {
      std::string key = scalar_key(item.first, path);
      bool ok = false;
      for (auto k : known) ok = ok || k == key;
      if (!ok) {
        std::string list;
        for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        fail_at(item.first, join(path, key), fmt::format("unknown field (known fields: {})", list));
      }
    }
  }

  std::string scalar_key(const YAML::Node& key, const std::string& path) const {
    if (!key.IsScalar()) fail_at(key, path, "field names must be strings");
    return key.Scalar();
  }

  std::string string(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) fail_at(node, path, "expected a string");
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) fail_at(node, path, "expected true or false");
    const auto& v = node.Scalar();
    if (v == "true") return true;
    if (v == "false") return false;
    fail_at(node, path, fmt::format("expected true or false, got \"{}\"", v));
  }

  std::vector<std::string> strings(const YAML::Node& node, const std::string& path) const {
    if (node.IsNull()) return {};
    if (!node.IsSequence()) fail_at(node, path, "expected a list of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < node.size(); ++i) out.push_back(string(node[i], fmt::format("{}[{}]", path, i)));
    return out;
  }

  std::vector<std::string> profile_names(const YAML::Node& node, const std::string& path) const {
    auto names = strings(node, path);
    std::set<std::string> seen;
    for (size_t i = 0; i < names.size(); ++i) {
      if (auto problem = profile_name_problem(names[i])) fail_at(node[i], fmt::format("{}[{}]", path, i), *problem);
      if (!seen.insert(names[i]).second) {
        fail_at(node[i], fmt::format("{}[{}]", path, i), fmt::format("profile \"{}\" listed twice", names[i]));
      }
    }
    return names;
  }

  template <typename E>
  E choice(const YAML::Node& node, const std::string& path, std::initializer_list<std::pair<std::string_view, E>> options) const {
    std::string v = string(node, path);
    std::string list;
    for (const auto& [name, value] : options) {
      if (name == v) return value;
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    fail_at(node, path, fmt::format("\"{}\" is not one of: {}", v, list));
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  Settings settings(const YAML::Node& map, const std::string& path) const {
    Settings s;
    if (auto n = map["mode"]) {
      s.mode = choice<Mode>(n, join(path, "mode"),
                            {{"enforce", Mode::enforce}, {"complain", Mode::complain}, {"off", Mode::off}});
    }
    if (auto n = map["profiles"]) s.profiles = profile_names(n, join(path, "profiles"));
    if (auto n = map["mandatory"]) s.mandatory = profile_names(n, join(path, "mandatory"));
    if (auto n = map["allowedProfiles"]) s.allowed_profiles = profile_names(n, join(path, "allowedProfiles"));
    if (auto n = map["allowReplace"]) s.allow_replace = boolean(n, join(path, "allowReplace"));
    if (auto n = map["allowUnconfined"]) s.allow_unconfined = boolean(n, join(path, "allowUnconfined"));
    return s;
  }

 private:
  std::string source_;
};

bool valid_prefix(std::string_view p) {
  // A DNS subdomain, as Kubernetes requires for annotation key prefixes.
  if (p.empty() || p.size() > 253 || p.front() == '.' || p.back() == '.' || p.front() == '-') return false;
  for (char c : p) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::string_view mode_name(Mode m) {
  switch (m) {
    case Mode::enforce: return "enforce";
    case Mode::complain: return "complain";
    case Mode::off: return "off";
  }
  return "?";
}

std::string_view base_assumption_name(BaseAssumption b) {
  return b == BaseAssumption::runtime_default ? "runtime-default" : "unconfined";
}

Config parse_config(std::string_view yaml_text, std::string_view source_name) {
  Config config;
  config.source = std::string(source_name);
  Reader r(config.source);
  if (yaml_text.size() > kMaxConfigBytes) {
    fail<ProfileError>("config {}: {} bytes is over the {} byte limit", source_name, yaml_text.size(), kMaxConfigBytes);
  }
  // The same bound profile files get: yaml-cpp recurses per nesting level.
  seccomp::detail::check_yaml_nesting(yaml_text, fmt::format("config {}", source_name));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    fail<ProfileError>("config {}: line {} column {}: not valid YAML: {}", source_name, e.mark.line + 1,
                       e.mark.column + 1, e.msg);
  }
  if (!root || root.IsNull()) fail<ProfileError>("config {}: empty document (expected apiVersion and kind)", source_name);

  try {
    r.only_fields(root, "", {"apiVersion", "kind", "annotationPrefix", "profileDirs", "kubeletSeccompRoot",
                             "assumeWhenUnknown", "onMissingProfile", "unsupportedRuntime", "unsupportedErrno", "runtimeOverrides", "unknownSyscalls",
                             "runtimeLibseccomp", "auditLog", "metricsAddress", "defaults", "rules"});
    if (!root["apiVersion"]) r.fail_at(root, "apiVersion", fmt::format("missing (expected \"{}\")", kApiVersion));
    if (auto v = r.string(root["apiVersion"], "apiVersion"); v != kApiVersion) {
      r.fail_at(root["apiVersion"], "apiVersion", fmt::format("\"{}\" is not supported (expected \"{}\")", v, kApiVersion));
    }
    if (!root["kind"]) r.fail_at(root, "kind", fmt::format("missing (expected \"{}\")", kKind));
    if (auto v = r.string(root["kind"], "kind"); v != kKind) {
      r.fail_at(root["kind"], "kind", fmt::format("\"{}\" is not supported (expected \"{}\")", v, kKind));
    }
    if (auto n = root["annotationPrefix"]) {
      config.annotation_prefix = r.string(n, "annotationPrefix");
      if (!valid_prefix(config.annotation_prefix)) {
        r.fail_at(n, "annotationPrefix", fmt::format("\"{}\" is not a DNS subdomain (lower-case letters, digits, '-', '.')",
                                                     config.annotation_prefix));
      }
    }
    if (auto n = root["profileDirs"]) {
      config.profile_dirs = r.strings(n, "profileDirs");
      for (size_t i = 0; i < config.profile_dirs.size(); ++i) {
        if (config.profile_dirs[i].empty() || config.profile_dirs[i].front() != '/') {
          r.fail_at(n[i], fmt::format("profileDirs[{}]", i), "must be an absolute path");
        }
      }
    }
    if (auto n = root["kubeletSeccompRoot"]) {
      config.kubelet_seccomp_root = r.string(n, "kubeletSeccompRoot");
      if (config.kubelet_seccomp_root.empty() || config.kubelet_seccomp_root.front() != '/') {
        r.fail_at(n, "kubeletSeccompRoot", "must be an absolute path");
      }
    }
    if (auto n = root["assumeWhenUnknown"]) {
      config.assume_when_unknown = r.choice<BaseAssumption>(
          n, "assumeWhenUnknown",
          {{"runtime-default", BaseAssumption::runtime_default}, {"unconfined", BaseAssumption::unconfined}});
    }
    if (auto n = root["onMissingProfile"]) {
      config.on_missing_profile = r.choice<MissingProfile>(
          n, "onMissingProfile", {{"refuse", MissingProfile::refuse}, {"fallback", MissingProfile::fallback}});
    }
    if (auto n = root["unsupportedRuntime"]) {
      config.unsupported_runtime = r.choice<UnsupportedRuntime>(
          n, "unsupportedRuntime", {{"refuse", UnsupportedRuntime::refuse}, {"allow", UnsupportedRuntime::allow}});
    }
    if (auto n = root["unsupportedErrno"]) {
      config.unsupported_errno = r.choice<UnsupportedErrno>(
          n, "unsupportedErrno", {{"refuse", UnsupportedErrno::refuse}, {"approximate", UnsupportedErrno::approximate}});
    }
    if (auto n = root["runtimeOverrides"]) {
      config.runtime_overrides = r.choice<RuntimeOverrides>(
          n, "runtimeOverrides", {{"refuse", RuntimeOverrides::refuse}, {"strip", RuntimeOverrides::strip}});
    }
    if (auto n = root["unknownSyscalls"]) {
      config.unknown_syscalls = r.choice<UnknownSyscalls>(
          n, "unknownSyscalls", {{"error", UnknownSyscalls::error}, {"ignore", UnknownSyscalls::ignore}});
    }
    if (auto n = root["runtimeLibseccomp"]) {
      const std::string v = r.string(n, "runtimeLibseccomp");
      config.runtime_libseccomp = seccomp::parse_libseccomp_version(v);
      if (!config.runtime_libseccomp) {
        r.fail_at(n, "runtimeLibseccomp", fmt::format("\"{}\" is not a libseccomp version (expected MAJOR.MINOR.MICRO, e.g. \"2.5.4\")", v));
      }
    }
    if (auto n = root["auditLog"]) {
      config.audit_log = r.string(n, "auditLog");
      if (!config.audit_log.empty() && config.audit_log.front() != '/') r.fail_at(n, "auditLog", "must be an absolute path");
    }
    if (auto n = root["metricsAddress"]) config.metrics_address = r.string(n, "metricsAddress");
    if (auto n = root["defaults"]) {
      if (!n.IsNull()) {
        r.only_fields(n, "defaults",
                      {"mode", "profiles", "mandatory", "allowedProfiles", "allowReplace", "allowUnconfined"});
        config.defaults = r.settings(n, "defaults");
      }
    }
    if (auto rules = root["rules"]) {
      if (!rules.IsNull() && !rules.IsSequence()) r.fail_at(rules, "rules", "expected a list of rules");
      std::set<std::string> names;
      for (size_t i = 0; i < rules.size(); ++i) {
        const auto path = fmt::format("rules[{}]", i);
        const auto n = rules[i];
        r.only_fields(n, path,
                      {"name", "namespaces", "podSelector", "mode", "profiles", "mandatory", "allowedProfiles",
                       "allowReplace", "allowUnconfined", "exempt"});
        Rule rule;
        if (!n["name"]) r.fail_at(n, path + ".name", "missing (every rule needs a name for logs and audit)");
        rule.name = r.string(n["name"], path + ".name");
        if (rule.name.empty()) r.fail_at(n["name"], path + ".name", "must not be empty");
        if (rule.name == "defaults") r.fail_at(n["name"], path + ".name", "\"defaults\" is reserved");
        if (!names.insert(rule.name).second) {
          r.fail_at(n["name"], path + ".name", fmt::format("rule name \"{}\" is used twice", rule.name));
        }
        if (auto ns = n["namespaces"]) {
          rule.namespaces = r.strings(ns, path + ".namespaces");
          for (size_t j = 0; j < rule.namespaces.size(); ++j) {
            if (rule.namespaces[j].empty()) r.fail_at(ns[j], fmt::format("{}.namespaces[{}]", path, j), "must not be empty");
          }
        }
        if (auto sel = n["podSelector"]) {
          const auto sel_path = path + ".podSelector";
          r.only_fields(sel, sel_path, {"matchLabels"});
          if (auto labels = sel["matchLabels"]) {
            const auto labels_path = sel_path + ".matchLabels";
            if (!labels.IsNull()) {
              if (!labels.IsMap()) r.fail_at(labels, labels_path, "expected a mapping of label: value");
              for (const auto& item : labels) {
                auto key = r.scalar_key(item.first, labels_path);
                rule.match_labels[key] = r.string(item.second, labels_path + "." + key);
              }
            }
          }
        }
        rule.settings = r.settings(n, path);
        if (auto e = n["exempt"]) rule.exempt = r.boolean(e, path + ".exempt");
        config.rules.push_back(std::move(rule));
      }
    }
  } catch (const YAML::Exception& e) {
    // Conversion errors inside yaml-cpp; keep the promise of a ProfileError.
    fail<ProfileError>("config {}: line {}: {}", source_name, e.mark.line + 1, e.msg);
  }
  return config;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail<ProfileError>("config {}: cannot open: {}", path, std::strerror(errno));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      fail<ProfileError>("config {}: larger than the {} byte limit", path, kMaxConfigBytes);
    }
  }
  return parse_config(text, path);
}

Effective combine(const Settings& defaults, const Rule* rule) {
  Effective e;
  auto pick = [&](auto member, auto fallback) {
    if (rule && (rule->settings.*member)) return *(rule->settings.*member);
    if (defaults.*member) return *(defaults.*member);
    return fallback;
  };
  e.rule = rule ? rule->name : "defaults";
  e.exempt = rule ? rule->exempt : false;
  e.mode = pick(&Settings::mode, Mode::enforce);
  e.profiles = pick(&Settings::profiles, std::vector<std::string>{});
  e.mandatory = pick(&Settings::mandatory, std::vector<std::string>{});
  e.allow_replace = pick(&Settings::allow_replace, false);
  e.allow_unconfined = pick(&Settings::allow_unconfined, true);
  if (rule && rule->settings.allowed_profiles) {
    e.allowed_profiles = rule->settings.allowed_profiles;
  } else {
    e.allowed_profiles = defaults.allowed_profiles;
  }
  return e;
}

}  // namespace nri_seccomp::policy
