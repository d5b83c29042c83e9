#include "policy/recovery_audit.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/strings.h"
#include "policy/annotations.h"
#include "policy/container_process.h"
#include "policy/decision.h"
#include "policy/validation.h"
#include "seccomp/arch.h"
#include "seccomp/explain.h"
#include "seccomp/nri_convert.h"

namespace nri_seccomp::policy {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;

std::string annotation(const api::Container& c, const std::string& key) {
  auto it = c.annotations().find(key);
  return it == c.annotations().end() ? std::string() : it->second;
}

// "a,b" (or "replace:a,b") -> {a, b}
std::set<std::string> stamped_profiles(std::string value) {
  if (value.rfind(kReplacePrefix, 0) == 0) value.erase(0, kReplacePrefix.size());
  std::set<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    if (comma > start) out.insert(value.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool judged_state(api::ContainerState s) {
  return s == api::CONTAINER_CREATED || s == api::CONTAINER_RUNNING || s == api::CONTAINER_PAUSED;
}

// The container's real policy (as the runtime reports it) against the
// profiles policy selects: the first syscall a profile denies outright that
// the real policy lets through, as a sentence; empty when none is found.
// Evidence for people: a record mismatch alone already judges the container.
std::string real_policy_gap(const State& state, const Decision& d, const api::LinuxSeccomp& real,
                            const RuntimeCaps& runtime) {
  if (d.mode != Mode::enforce) return {};
  seccomp::Policy policy;
  try {
    policy = seccomp::from_nri(real);
  } catch (const std::exception& e) {
    return fmt::format("; {} reports a seccomp policy for it that cannot be read ({})", runtime.label(), e.what());
  }
  const std::string arch = seccomp::native_arch();
  for (const auto& name : d.profiles) {
    const auto* entry = state.store.find(name);
    if (entry == nullptr || !entry->policy) continue;
    for (const auto& rule : entry->policy->syscalls) {
      if (!rule.args.empty() || !seccomp::stricter(rule.action, seccomp::Action::log)) continue;
      for (const auto& syscall : rule.names) {
        const auto e = seccomp::explain(policy, arch, syscall, {});
        if (e.reason == seccomp::Explanation::Reason::not_on_architecture) continue;
        if (!seccomp::stricter(e.action, seccomp::Action::log)) {
          return fmt::format("; {} reports its real seccomp policy, which lets {} through ({}) where profile {} denies it",
                             runtime.label(), syscall, seccomp::action_name(e.action), name);
        }
      }
    }
  }
  return {};
}

}  // namespace

std::vector<Finding> audit_snapshot(const State& state, const RuntimeCaps& runtime, const api::SynchronizeRequest& snapshot,
                                    const OwnPod& own, const std::unordered_map<std::string, RecordedDecision>& record,
                                    const std::function<std::shared_ptr<const ReadyAdjustment>(PendingCheck)>& check) {
  std::map<std::string, const api::PodSandbox*> pods;
  for (const auto& pod : snapshot.pods()) pods[pod.id()] = &pod;
  const std::string profiles_key = applied_profiles_key(state.config.annotation_prefix);

  std::vector<Finding> findings;
  for (const auto& container : snapshot.containers()) {
    if (!judged_state(container.state())) continue;
    auto pod_it = pods.find(container.pod_sandbox_id());
    if (pod_it == pods.end()) continue;  // a container without its pod: nothing to judge it by
    const api::PodSandbox& pod = *pod_it->second;
    if (!own.name.empty() && pod.namespace_() == own.pod_namespace && pod.name() == own.name) continue;

    // The same decision a CreateContainer would get, without its side
    // effects on the request path: no log line, no metrics.
    api::CreateContainerRequest request;
    *request.mutable_pod() = pod;
    *request.mutable_container() = container;
    api::CreateContainerResponse scratch;
    std::optional<PendingCheck> pending;
    Decision d = decide(state, runtime, request, scratch, &pending);
    if (pending) {
      // A combination that fails its check is refused to every new container;
      // judge the running one as policy now would judge it.
      const auto checked = check(std::move(*pending));
      if (checked && !checked->check_error.empty()) {
        d.outcome = Outcome::refused;
        d.reason_code = "check_failed";
        d.reason = checked->check_error;
      }
    }
    if (d.outcome == Outcome::untouched) continue;

    Finding f;
    f.container_id = container.id();
    f.pod_namespace = pod.namespace_();
    f.pod = pod.name();
    f.container = container.name();
    f.mode = d.mode;
    f.pid = container.pid();
    auto rec_it = record.find(container.id());
    const RecordedDecision* decided = rec_it == record.end() ? nullptr : &rec_it->second;
    // Stamps are information for humans, never evidence: say when a container
    // carries them without a decision behind them.
    const std::string stamp = annotation(container, profiles_key);
    const std::string forged =
        stamp.empty() ? std::string() : fmt::format("; it carries {}={} but the plugin never decided that for it", profiles_key, stamp);

    // The fact where the runtime reports it: the policy the container really has.
    const bool real_policy_known = runtime.sends_current_policy && container.has_linux() &&
                                   container.linux().has_seccomp_policy() &&
                                   !container.linux().seccomp_policy().default_action().empty();
    const std::string gap = real_policy_known && d.outcome == Outcome::applied
                                ? real_policy_gap(state, d, container.linux().seccomp_policy(), runtime)
                                : std::string();
    if (real_policy_known && decided != nullptr &&
        policy_wire_hash(container.linux().seccomp_policy()) != decided->wire_hash) {
      f.lacks = fmt::format("the policy the plugin decided for it (profiles {}, policy {}): {} reports another seccomp "
                            "policy for the container{}",
                            decided->profiles, decided->hash, runtime.label(), gap);
      findings.push_back(std::move(f));
      continue;
    }
    if (d.outcome == Outcome::refused) {
      if (decided != nullptr) continue;  // admitted by the plugin under an older policy: not ours to judge now
      f.lacks = "a policy the plugin would allow: " + d.reason;
      findings.push_back(std::move(f));
      continue;
    }
    const std::string wanted = (d.replace ? std::string(kReplacePrefix) : std::string()) + join(d.profiles);
    if (decided == nullptr) {
      f.lacks = fmt::format("profiles {} ({} mode): the plugin has no record of deciding this container{}{}", wanted,
                            mode_name(d.mode), gap, forged);
      findings.push_back(std::move(f));
      continue;
    }
    if (auto seccomp = container_seccomp_mode(f.pid, f.container_id); seccomp && *seccomp != 2) {
      f.lacks = fmt::format("a seccomp filter: the plugin decided profiles {} for it, but the kernel reports Seccomp: {} "
                            "for its process {}",
                            decided->profiles, *seccomp, f.pid);
      findings.push_back(std::move(f));
      continue;
    }
    const auto have = stamped_profiles(decided->profiles);
    const bool all_there = std::all_of(d.profiles.begin(), d.profiles.end(), [&](const std::string& p) { return have.count(p) > 0; });
    if (!all_there || decided->mode != mode_name(d.mode)) {
      f.standing = Standing::stale;
      f.lacks = fmt::format("profiles {} ({} mode) under the current policy; it was created with {} ({} mode)", wanted,
                            mode_name(d.mode), decided->profiles, decided->mode);
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

}  // namespace nri_seccomp::policy
