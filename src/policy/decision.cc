#include "policy/decision.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"
#include "common/printable.h"
#include "common/strings.h"
#include "policy/annotations.h"
#include "seccomp/merge.h"
#include "seccomp/nri_convert.h"
#include "seccomp/rule_errno.h"
#include "seccomp/runtime_default.h"
#include "seccomp/shapes.h"
#include "seccomp/transform.h"
#include "seccomp/verify.h"
#include "seccomp/writer.h"

namespace nri_seccomp::policy {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;

// The container's policy before we touch it.
struct Base {
  std::string label;     // for logs and the decision
  std::string identity;  // for the decision cache (empty for current-policy: see the key)
  bool unconfined = false;
  const api::LinuxSeccomp* current = nullptr;    // parsed only on a cache miss
  std::shared_ptr<const seccomp::Policy> policy; // null while unparsed or when unconfined
  // Set when the base cannot be known (an unreadable Localhost file, CRI-O
  // naming no profile): refused only once a profile must be merged into it,
  // so containers we leave alone never fail for it.
  std::string_view problem_code;
  std::string problem;
  bool localhost_unread = false;  // a Localhost base whose file load_localhost has not read yet
  std::string localhost_ref;
};

// Thrown, in inline-only mode, just before work that may be slow (a merge of
// a new combination, reading a Localhost file): the engine then runs the
// whole decision on its worker, within the request's deadline.
struct SlowPath {
  std::string what;  // "merging ...", "reading the Localhost profile ..."
};

// A refusal reason (without the "nri-seccomp: pod ... container ...:" head)
// and its fixed snake_case code (metrics label, audit field).
class Refusal : public Error {
 public:
  Refusal(std::string_view code, const std::string& what) : Error(what), code_(code) {}
  std::string_view code() const { return code_; }

 private:
  std::string_view code_;  // always a string literal
};

template <typename... Args>
[[noreturn]] void refuse(std::string_view code, fmt::format_string<Args...> format, Args&&... args) {
  throw Refusal(code, fmt::format(format, std::forward<Args>(args)...));
}

// CRI-O names the profile it built for the container in this annotation:
// "RuntimeDefault", "Unconfined" or the Localhost file's absolute path; it is
// empty when the container has no seccomp field or got its profile from an
// OCI artifact. CRI-O writes it after the pod's annotations (so a pod cannot
// forge it) but before the CRI request's own container annotations and
// labels, which kubelet fills itself and other CRI clients may not: CRI-O
// records those as JSON in the two annotations below, where a forged key
// shows up.
constexpr std::string_view kCrioSeccompProfilePath = "io.kubernetes.cri-o.SeccompProfilePath";
constexpr std::string_view kCrioRequestAnnotations = "io.kubernetes.cri-o.Annotations";
constexpr std::string_view kCrioRequestLabels = "io.kubernetes.cri-o.Labels";

bool crio_request_sets_profile_path(const api::Container& container) {
  for (auto key : {kCrioRequestAnnotations, kCrioRequestLabels}) {
    auto it = container.annotations().find(std::string(key));
    if (it != container.annotations().end() && it->second.find(kCrioSeccompProfilePath) != std::string::npos) return true;
  }
  return false;
}

// The container's profile as the runtime tells it (where its row says it does).
struct ProfileInfo {
  enum Type { unknown, runtime_default, unconfined, localhost } type = unknown;
  bool forged = false;  // the CRI request itself set CRI-O's annotation
  std::string localhost_ref;
};

ProfileInfo profile_info(const RuntimeCaps& runtime, const api::Container& container) {
  ProfileInfo info;
  if (runtime.profile_source == ProfileSource::crio_annotation && crio_request_sets_profile_path(container)) {
    info.forged = true;
    return info;
  }
  switch (runtime.profile_source) {
    case ProfileSource::none:
      return info;
    case ProfileSource::nri_profile: {
      if (!container.has_linux() || !container.linux().has_seccomp_profile()) return info;
      const auto& profile = container.linux().seccomp_profile();
      switch (profile.profile_type()) {
        case api::SecurityProfile::LOCALHOST: info.type = ProfileInfo::localhost; info.localhost_ref = profile.localhost_ref(); break;
        case api::SecurityProfile::UNCONFINED: info.type = ProfileInfo::unconfined; break;
        default: info.type = ProfileInfo::runtime_default; break;
      }
      return info;
    }
    case ProfileSource::crio_annotation: {
      auto it = container.annotations().find(std::string(kCrioSeccompProfilePath));
      if (it == container.annotations().end() || it->second.empty()) return info;
      if (it->second == "RuntimeDefault") {
        info.type = ProfileInfo::runtime_default;
      } else if (it->second == "Unconfined") {
        info.type = ProfileInfo::unconfined;
      } else {
        info.type = ProfileInfo::localhost;
        info.localhost_ref = it->second;
      }
      return info;
    }
  }
  return info;
}

Base runtime_default_base(const State& state, const RuntimeCaps& runtime, std::string_view suffix) {
  Base base;
  base.label = fmt::format("runtime-default:{}{}", seccomp::runtime_default_name(runtime.runtime_default), suffix);
  base.identity = fmt::format("runtime-default:{}", seccomp::runtime_default_name(runtime.runtime_default));
  base.policy = state.runtime_default(runtime.runtime_default);
  return base;
}

Base unconfined_base(std::string_view suffix) {
  Base base;
  base.label = fmt::format("unconfined{}", suffix);
  base.identity = "unconfined";
  base.unconfined = true;
  return base;
}

// What the runtime would run without us, as its capability row lets us know it.
Base resolve_base(const State& state, const RuntimeCaps& runtime, const api::Container& container) {
  const auto& linux = container.linux();
  if (runtime.sends_current_policy && container.has_linux() && linux.has_seccomp_policy() &&
      !linux.seccomp_policy().default_action().empty()) {
    // containerd >= 2.3 sends the policy it built: the most exact base there is.
    // Its identity (the serialized bytes) is computed only once a profile is
    // actually selected: untouched containers never pay for it.
    Base base;
    base.label = "current-policy";
    base.current = &linux.seccomp_policy();
    return base;
  }
  const ProfileInfo info = profile_info(runtime, container);
  switch (info.type) {
    case ProfileInfo::localhost: {
      // Read only once a profile must be merged into it (load_localhost):
      // the file may be slow or broken, and untouched containers never wait
      // or fail for it.
      Base base;
      base.label = "localhost:" + info.localhost_ref;
      base.localhost_unread = true;
      base.localhost_ref = info.localhost_ref;
      return base;
    }
    case ProfileInfo::unconfined: return unconfined_base("");
    case ProfileInfo::runtime_default: return runtime_default_base(state, runtime, "");
    case ProfileInfo::unknown: break;
  }
  if (runtime.profile_source == ProfileSource::crio_annotation) {
    // CRI-O's empty path also stands for a profile from an OCI artifact, and
    // a forged one for anything: any assumption could replace a stricter
    // profile with a weaker one.
    Base base;
    base.label = "unknown";
    base.problem_code = "base_unknown";
    base.problem = info.forged
        ? fmt::format("the CRI request for this container sets {} itself (in its annotations or labels), so the value "
                      "{} shows is not the profile it built; refusing to merge into a base the plugin cannot know",
                      kCrioSeccompProfilePath, runtime.label())
        : fmt::format("{} reports no seccomp profile for the container ({} is empty: none was given, "
                               "or it came from an OCI artifact), so the plugin cannot know the policy to merge into; "
                               "set securityContext.seccompProfile (RuntimeDefault, Localhost or Unconfined)",
                               runtime.label(), kCrioSeccompProfilePath);
    return base;
  }
  return state.config.assume_when_unknown == BaseAssumption::unconfined ? unconfined_base("(assumed)")
                                                                        : runtime_default_base(state, runtime, "(assumed)");
}

void load_localhost(const State& state, const RuntimeCaps& runtime, Base& base) {
  LocalhostProfile local;
  try {
    local = state.localhost.get(base.localhost_ref, state.config.kubelet_seccomp_root, state.context_for(runtime.runtime_default));
  } catch (const Error& e) {
    refuse("localhost_profile_invalid", "{}", e.what());
  }
  base.label = "localhost:" + local.path;
  base.identity = local.identity;
  base.policy = local.policy;
  base.localhost_unread = false;
}

// crun reads these from the spec's annotations and then ignores (or replaces)
// the spec's seccomp section: a pod that can set them - containerd copies
// pod annotations into the spec when its runtime's pod_annotations allow
// them, CRI-O passes the allowed_annotations - could undo the policy.
constexpr std::string_view kRuntimeOverridePrefix = "run.oci.seccomp";

void check_runtime_overrides(const Config& config, const Effective& settings, const api::PodSandbox& pod,
                             const api::Container& container, Decision& d) {
  std::vector<std::string> found;
  for (const auto* annotations : {&container.annotations(), &pod.annotations()}) {
    for (const auto& [key, value] : *annotations) {
      if (key.rfind(kRuntimeOverridePrefix, 0) == 0 && std::find(found.begin(), found.end(), key) == found.end()) found.push_back(key);
    }
  }
  if (found.empty()) return;
  std::sort(found.begin(), found.end());
  if (config.runtime_overrides == RuntimeOverrides::strip || settings.mode == Mode::complain) {
    d.warnings.push_back(fmt::format("annotations {} would let the OCI runtime bypass the seccomp policy; {}", join(found, ", "),
                                     config.runtime_overrides == RuntimeOverrides::strip ? "removed (runtimeOverrides: strip)"
                                                                                          : "left in place (complain mode)"));
    if (config.runtime_overrides == RuntimeOverrides::strip) d.stripped = std::move(found);
    return;
  }
  refuse("runtime_override", "annotations {} ask the OCI runtime to bypass the spec's seccomp policy; remove them, or set "
         "runtimeOverrides: strip to have the plugin remove them", join(found, ", "));
}

// Where a profile name came from, for messages.
struct Wanted {
  std::string name;
  std::string origin;  // "mandatory in rule X", "annotation K", "default profiles of rule X"
  bool mandatory = false;
};

seccomp::CompileOptions final_check_options(const State& state) {
  // Profile files were checked with the configured unknownSyscalls at load.
  // The merged result also holds the base's names (the runtime's own list,
  // written for many architectures): like runc, skip names an architecture
  // lacks instead of refusing the container for them.
  seccomp::CompileOptions options = state.compile;
  options.unknown_syscalls = seccomp::UnknownSyscalls::ignore;
  options.runtime_libseccomp = state.runtime_libseccomp;
  return options;
}

// The adjustment `built` with its policy replaced by an equivalent shape:
// same annotations and warnings, the shape's seccomp section and hash.
std::shared_ptr<const ReadyAdjustment> with_shape(const State& state, const ReadyAdjustment& built,
                                                  const seccomp::VerifiedShape& shape) {
  auto out = std::make_shared<ReadyAdjustment>(built);
  out->shape = shape.shape;
  out->hash = seccomp::policy_hash(shape.policy);
  out->seccomp.Clear();
  seccomp::to_nri(shape.policy, out->seccomp);
  const std::string hash_key = policy_hash_key(state.config.annotation_prefix);
  for (auto& [key, value] : out->annotations) {
    if (key == hash_key) value = out->hash;
  }
  return out;
}

// The overlay with every verdict stricter than LOG replaced by LOG.
seccomp::Policy log_instead_of_deny(seccomp::Policy p) {
  auto soften = [](seccomp::Action& action, std::optional<uint32_t>& data) {
    if (seccomp::stricter(action, seccomp::Action::log)) {
      action = seccomp::Action::log;
      data.reset();
    }
  };
  soften(p.default_action, p.default_errno);
  for (auto& rule : p.syscalls) soften(rule.action, rule.errno_ret);
  return p;
}

struct Built {
  std::shared_ptr<const ReadyAdjustment> ready;
  std::shared_ptr<const seccomp::Policy> final_policy;
  std::string what;
};

Built build_adjustment(const State& state, const RuntimeCaps& runtime, Base& base,
                       const std::vector<const ProfileEntry*>& entries, bool replace, Mode mode) {
  if (base.current != nullptr && base.policy == nullptr) {
    try {
      base.policy = std::make_shared<const seccomp::Policy>(seccomp::from_nri(*base.current));
    } catch (const Error& e) {
      refuse("current_policy_invalid", "the runtime's current seccomp policy cannot be read: {}", e.what());
    }
  }
  std::vector<seccomp::Policy> overlays;
  overlays.reserve(entries.size());
  for (const auto* entry : entries) overlays.push_back(*entry->policy);

  std::vector<std::string> names;
  for (const auto* entry : entries) names.push_back(entry->name);
  Built built;
  built.what = fmt::format("profiles {} merged into base {}", join(names), replace ? "none (replace)" : base.label);
  auto final_policy = std::make_shared<seccomp::Policy>();
  try {
    const seccomp::Policy* merge_base = replace ? nullptr : base.policy.get();
    std::vector<std::string> sources;
    if (merge_base != nullptr) sources.push_back("base " + base.label);
    for (const auto* entry : entries) sources.push_back("profile " + entry->name + " (" + entry->path + ")");
    seccomp::Policy merged = seccomp::merge(merge_base, overlays, sources);
    if (mode == Mode::complain) {
      // No base filter means everything was allowed: complain relative to that.
      static const seccomp::Policy allow_all{};
      const seccomp::Policy& complain_base = base.policy ? *base.policy : allow_all;
      try {
        *final_policy = seccomp::complain(complain_base, merged);
      } catch (const ProfileError&) {
        // complain() compares base and merged region by region and can hit
        // the engine's limits on argument-heavy bases (e.g. RuntimeDefault's
        // personality rules). merge(base, overlays with every verdict
        // stricter than LOG turned into LOG) is the same policy point by
        // point - the overlays are LOG-or-weaker, so stricter-wins yields
        // LOG exactly where they would deny more than the base, else the
        // base - and it stays within what the merge already handled.
        std::vector<seccomp::Policy> logged;
        logged.reserve(overlays.size());
        for (const auto& o : overlays) logged.push_back(log_instead_of_deny(o));
        std::vector<std::string> logged_sources{"base " + base.label};
        for (const auto* entry : entries) logged_sources.push_back("profile " + entry->name + " (logged)");
        *final_policy = seccomp::merge(&complain_base, logged, logged_sources);
      }
    } else {
      *final_policy = std::move(merged);
    }
  } catch (const seccomp::LibseccompHazard& e) {
    refuse("libseccomp_hazard", "{} cannot be merged: {}", built.what, e.what());
  } catch (const Error& e) {
    refuse("merge_failed", "{} cannot be merged: {}", built.what, e.what());
  }
  // What the runtime gets is the form it can carry: that is the policy every
  // check (here and the full compile check) must look at. Where rule errnos
  // are safe, the default errno NRI drops is kept as explicit rules; where
  // they crash the runtime, no rule carries one. The hazard check is cheap
  // and stops rule patterns that hang libseccomp 2.5.4 before they reach the
  // runtime's own compile.
  auto handed = std::make_shared<seccomp::Policy>();
  auto ready = std::make_shared<ReadyAdjustment>();
  if (runtime.rule_errno_safe) {
    try {
      *handed = seccomp::preserve_default_errno(*final_policy, state.compile.architectures);
    } catch (const Error& e) {
      refuse("merge_failed", "{}: the policy prepared for NRI is not usable: {}", built.what, e.what());
    }
  } else {
    const auto fallback = state.config.unsupported_errno == UnsupportedErrno::approximate ? seccomp::ErrnoFallback::approximate
                                                                                        : seccomp::ErrnoFallback::refuse;
    try {
      auto fitted = seccomp::without_rule_errno(*final_policy, fallback);
      *handed = std::move(fitted.policy);
      for (auto& change : fitted.changed) ready->warnings.push_back("unsupportedErrno: approximate: " + change);
    } catch (const Error& e) {
      refuse("errno_unsupported",
             "{}: runtime {} cannot take an errno on seccomp syscall rules (its NRI crashes on them), and the exact policy needs {}; "
             "upgrade to {} >= {}, use a base whose errnos are all EPERM (Unconfined, or such a Localhost profile), "
             "or set unsupportedErrno: approximate (weaker, see docs/policy.md)",
             built.what, runtime.label(), e.what(), runtime.name, runtime.errno_minimum);
    }
  }
  try {
    seccomp::check_libseccomp_hazards(*handed, state.runtime_libseccomp);
  } catch (const seccomp::LibseccompHazard& e) {
    refuse("libseccomp_hazard", "{}: the runtime's libseccomp {} ({}) would not compile it right: {}", built.what,
           state.runtime_libseccomp.text(),
           state.config.runtime_libseccomp ? "runtimeLibseccomp" : "assumed to be the plugin's; declare it with runtimeLibseccomp",
           e.what());
  }
  ready->hash = seccomp::policy_hash(*handed);
  seccomp::to_nri(*handed, ready->seccomp);
  const auto& prefix = state.config.annotation_prefix;
  ready->annotations = {
      {applied_profiles_key(prefix), (replace ? std::string(kReplacePrefix) : std::string()) + join(names)},
      {policy_hash_key(prefix), ready->hash},
      {mode_key(prefix), std::string(mode_name(mode))},
  };
  built.ready = std::move(ready);
  built.final_policy = std::move(handed);
  return built;
}

void decide_into(const State& state, const RuntimeCaps& runtime, const api::CreateContainerRequest& request,
                 api::CreateContainerResponse& response, Decision& d, std::optional<PendingCheck>* pending,
                 bool inline_only) {
  const auto& pod = request.pod();
  const auto& container = request.container();
  const auto& config = state.config;

  const Effective settings = effective_settings(config, pod.namespace_(), pod.labels());
  d.rule = settings.rule;
  d.mode = settings.mode;
  if (settings.exempt) {
    d.reason = fmt::format("exempt by rule {}", settings.rule);
    return;
  }
  if (settings.mode == Mode::off) {
    d.reason = fmt::format("mode off (rule {})", settings.rule);
    return;
  }
  check_runtime_overrides(config, settings, pod, container, d);

  // Which profiles: mandatory first, then the annotation's or the defaults.
  std::vector<Wanted> wanted;
  for (const auto& name : settings.mandatory) {
    wanted.push_back({name, fmt::format("mandatory in {}", settings.rule == "defaults" ? "defaults" : "rule " + settings.rule), true});
  }
  std::optional<ProfileRequest> asked;
  try {
    asked = find_profile_request(config.annotation_prefix, container.name(), pod.annotations(), container.annotations());
  } catch (const Error& e) {
    refuse("annotation_invalid", "{}", e.what());
  }
  if (asked) {
    d.replace = asked->replace;
    if (asked->replace && !settings.allow_replace) {
      refuse("replace_not_allowed", "{} {} asks to replace the base policy with {}, but {} does not allow replacement (allowReplace: false)",
             asked->where, asked->key, join(asked->names), settings.rule == "defaults" ? "the policy defaults" : "rule " + settings.rule);
    }
    if (settings.allowed_profiles) {
      for (const auto& name : asked->names) {
        const auto& allowed = *settings.allowed_profiles;
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
          refuse("profile_not_allowed", "profile {} ({} {}) is not allowed by {} (allowedProfiles: [{}])", name, asked->where, asked->key,
                 settings.rule == "defaults" ? "the policy defaults" : "rule " + settings.rule, join(allowed, ", "));
        }
      }
    }
    for (const auto& name : asked->names) wanted.push_back({name, asked->where + " " + asked->key, false});
  } else {
    for (const auto& name : settings.profiles) {
      wanted.push_back({name, fmt::format("default profiles of {}", settings.rule == "defaults" ? "the policy" : "rule " + settings.rule), false});
    }
  }
  // The same profile named twice (mandatory and asked) is merged once.
  std::vector<Wanted> unique;
  for (auto& w : wanted) {
    if (std::none_of(unique.begin(), unique.end(), [&](const Wanted& u) { return u.name == w.name; })) unique.push_back(std::move(w));
  }
  for (const auto& w : unique) d.profiles.push_back(w.name);

  Base base = resolve_base(state, runtime, container);
  d.base = base.label;

  // A base we cannot know may be no filter at all.
  const bool maybe_unconfined = base.unconfined || base.problem_code == "base_unknown";
  if (unique.empty()) {
    if (maybe_unconfined && !settings.allow_unconfined) {
      refuse("unconfined_not_allowed", "runs unconfined ({}) but {} does not allow unconfined containers (allowUnconfined: false) and no profile was selected; "
             "give it a seccomp profile or annotate {}",
             base.label, settings.rule == "defaults" ? "the policy defaults" : "rule " + settings.rule,
             container_key(config.annotation_prefix, container.name()));
    }
    d.reason = "no profile selected";
    return;
  }

  if (!runtime.applies_seccomp) {
    if (config.unsupported_runtime == UnsupportedRuntime::allow) {
      d.warnings.push_back(runtime.reason + "; unsupportedRuntime: allow lets the container start without profiles " + join(d.profiles));
      d.reason = "unsupported runtime allowed by policy";
      return;
    }
    refuse("runtime_unsupported", "{}; refusing to create the container without its seccomp profiles {}", runtime.reason, join(d.profiles));
  }

  // Look the profiles up in the store (loaded and compiled ahead of time).
  std::vector<const ProfileEntry*> entries;
  for (const auto& w : unique) {
    const auto* entry = state.store.find(w.name);
    std::string problem;
    if (entry == nullptr) {
      problem = fmt::format("profile {} ({}) is not in the profile dirs [{}]", w.name, w.origin, join(state.profile_dirs, ", "));
    } else if (!entry->ok()) {
      problem = fmt::format("profile {} ({}) is broken: {}", w.name, w.origin, entry->error);
    }
    if (problem.empty()) {
      entries.push_back(entry);
      continue;
    }
    if (w.mandatory || config.on_missing_profile == MissingProfile::refuse) refuse(entry == nullptr ? "profile_not_found" : "profile_invalid", "{}", problem);
    d.warnings.push_back(problem + "; skipped (onMissingProfile: fallback)");
  }
  d.profiles.clear();
  for (const auto* e : entries) d.profiles.push_back(e->name);
  if (entries.empty()) {
    if (maybe_unconfined && !settings.allow_unconfined) {
      refuse("unconfined_not_allowed", "runs unconfined ({}), unconfined is not allowed and none of its profiles could be used: {}", base.label,
             join(d.warnings, "; "));
    }
    d.reason = "no usable profile (onMissingProfile: fallback)";
    return;
  }

  if (!base.problem.empty() && !d.replace) refuse(base.problem_code, "{}", base.problem);
  if (base.localhost_unread && !d.replace) {
    if (inline_only) throw SlowPath{fmt::format("reading the Localhost profile {}", base.localhost_ref)};
    load_localhost(state, runtime, base);
  }

  // The runtime's current policy is big: key by an interned id, not its bytes.
  std::string key;
  if (base.current != nullptr) {
    std::string identity = "current:";
    base.current->AppendPartialToString(&identity);
    key = fmt::format("current#{}", state.decisions.intern_base(identity));
  } else {
    key = base.identity;
  }
  key += '\x1f';
  key += runtime.key();
  key += '\x1f';
  key += d.replace ? 'R' : 'M';
  key += mode_name(settings.mode);
  key += '\x1f';
  key += join(d.profiles);
  auto ready = state.decisions.find(key);
  d.cache_hit = ready != nullptr;
  if (ready && !ready->check_error.empty()) refuse("check_failed", "{}", ready->check_error);
  if (!ready) {
    if (inline_only) throw SlowPath{fmt::format("merging profiles {} into base {}", join(d.profiles), d.replace ? "none (replace)" : base.label)};
    Built built = build_adjustment(state, runtime, base, entries, d.replace, settings.mode);
    PendingCheck check{key, built.ready, built.final_policy, built.what};
    if (pending == nullptr) {
      // check_pending records what to hand out: as built, an equivalent
      // shape libseccomp compiles right, or the failure.
      ready = check_pending(state, check);
      if (!ready->check_error.empty()) refuse("check_failed", "{}", ready->check_error);
      if (!ready->shape.empty()) d.warnings.push_back(reshaped_warning(*ready));
    } else {
      // Not cached yet: only check_pending's verdict may reach a container.
      *pending = std::move(check);
      ready = std::move(built.ready);
    }
  }

  auto* adjust = response.mutable_adjust();
  adjust->mutable_linux()->mutable_seccomp_policy()->CopyFrom(ready->seccomp);
  auto& annotations = *adjust->mutable_annotations();
  for (const auto& [k, v] : ready->annotations) annotations[k] = v;
  d.warnings.insert(d.warnings.end(), ready->warnings.begin(), ready->warnings.end());
  d.hash = ready->hash;
  d.syscall_rules = ready->seccomp.syscalls_size();
  d.outcome = Outcome::applied;
}

}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::applied: return "applied";
    case Outcome::untouched: return "untouched";
    case Outcome::refused: return "refused";
  }
  return "?";
}

std::string applied_profiles_key(std::string_view prefix) { return fmt::format("{}/applied-profiles", prefix); }
std::string policy_hash_key(std::string_view prefix) { return fmt::format("{}/policy-hash", prefix); }
std::string mode_key(std::string_view prefix) { return fmt::format("{}/mode", prefix); }

std::string refusal_message(std::string_view pod_namespace, std::string_view pod, std::string_view container,
                            std::string_view reason) {
  // Names and reasons carry bytes from pods and files; the message travels as
  // a protobuf string the runtime must be able to decode (valid UTF-8).
  return printable(fmt::format("nri-seccomp: pod {}/{} container {}: {}", pod_namespace, pod, container, reason));
}

std::shared_ptr<const ReadyAdjustment> check_pending(const State& state, const PendingCheck& pending) {
  const seccomp::CompileOptions options = final_check_options(state);
  std::shared_ptr<const ReadyAdjustment> outcome = pending.ready;
  try {
    try {
      state.compile_cache->get_or_compile(*pending.policy, options);
    } catch (const seccomp::VerificationFailed& e) {
      // libseccomp compiled the policy into a filter that decides otherwise:
      // hand out an equivalent shape it gets right, or nothing.
      outcome = with_shape(state, *pending.ready, seccomp::compile_alternative_shape(*pending.policy, options, e.what()));
    }
  } catch (const std::exception& e) {
    auto failed = std::make_shared<ReadyAdjustment>(*pending.ready);
    failed->check_error = fmt::format("{} fail the seccomp check: {}", pending.what, e.what());
    outcome = std::move(failed);
  }
  // Once per combination: later requests find the outcome in the cache.
  if (!outcome->check_error.empty()) {
    log::error("merged_policy_check_failed", {{"generation", state.generation}, {"error", outcome->check_error}});
  } else if (!outcome->shape.empty()) {
    log::warn("merged_policy_reshaped", {{"generation", state.generation},
                                         {"combination", pending.what},
                                         {"shape", outcome->shape},
                                         {"hash", outcome->hash},
                                         {"libseccomp", seccomp::libseccomp_version()}});
  }
  state.decisions.put(pending.key, outcome);
  return outcome;
}

std::string reshaped_warning(const ReadyAdjustment& ready) {
  return fmt::format("libseccomp {} compiles the merged policy as written into a filter that decides otherwise; "
                     "handed out as the equivalent shape \"{}\", which verifies",
                     seccomp::libseccomp_version(), ready.shape);
}

Decision decide(const State& state, const RuntimeCaps& runtime, const api::CreateContainerRequest& request,
                api::CreateContainerResponse& response, std::optional<PendingCheck>* pending, bool inline_only) {
  const auto start = std::chrono::steady_clock::now();
  Decision d;
  d.generation = state.generation;
  d.pod_namespace = request.pod().namespace_();
  d.pod = request.pod().name();
  d.container = request.container().name();
  try {
    decide_into(state, runtime, request, response, d, pending, inline_only);
    // NRI removes an annotation named in the adjustment with a "-" prefix.
    for (const auto& key : d.stripped) (*response.mutable_adjust()->mutable_annotations())["-" + key] = "";
  } catch (SlowPath& slow) {
    d.slow_path = std::move(slow.what);  // nothing decided yet: the full decision starts over
    response.clear_adjust();
  } catch (const std::exception& e) {
    // Fail closed: whatever went wrong, the container does not start with a
    // policy other than the one policy asked for.
    d.outcome = Outcome::refused;
    const bool expected = dynamic_cast<const Error*>(&e) != nullptr;
    const auto* refusal = dynamic_cast<const Refusal*>(&e);
    d.reason_code = refusal != nullptr ? refusal->code() : expected ? "invalid_input" : "internal_error";
    d.reason = refusal_message(d.pod_namespace, d.pod, d.container,
                               expected ? std::string(e.what()) : fmt::format("internal error: {}", e.what()));
    d.hash.clear();
    response.clear_adjust();
    if (pending != nullptr) pending->reset();
  }
  d.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  return d;
}

}  // namespace nri_seccomp::policy
