#include "policy/validation.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/sha256.h"
#include "common/strings.h"
#include "policy/runtime_caps.h"

namespace nri_seccomp::policy {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;

// NRI's api.Field value of LinuxContainerAdjustment.seccomp_policy in
// FieldOwners.simple (pkg/api/api.proto `enum Field`, SeccompPolicy = 32,
// the same in v0.10, v0.11 and v0.12).
constexpr int32_t kSeccompPolicyField = 32;

std::string seccomp_owner(const api::ValidateContainerAdjustmentRequest& request) {
  const auto& by_container = request.owners().owners();
  auto it = by_container.find(request.container().id());
  if (it == by_container.end()) return {};
  auto owner = it->second.simple().find(kSeccompPolicyField);
  return owner == it->second.simple().end() ? std::string() : owner->second;
}

// The container's annotations as they will be: the pristine ones, then the
// adjustment's (NRI removes a key the adjustment names as "-key").
std::vector<std::string> runtime_overrides_left(const api::ValidateContainerAdjustmentRequest& request) {
  std::set<std::string> keys;
  auto is_override = [](const std::string& key) { return key.rfind(kCrunSeccompOverridePrefix, 0) == 0; };
  for (const auto& [key, value] : request.container().annotations()) {
    if (is_override(key)) keys.insert(key);
  }
  for (const auto& [key, value] : request.adjust().annotations()) {
    if (!key.empty() && key[0] == '-') {
      keys.erase(key.substr(1));
    } else if (is_override(key)) {
      keys.insert(key);
    }
  }
  return {keys.begin(), keys.end()};
}

}  // namespace

std::string policy_wire_hash(const api::LinuxSeccomp& policy) {
  if (!policy.has_default_errno()) return sha256_hex(policy.SerializeAsString());
  api::LinuxSeccomp copy = policy;
  copy.clear_default_errno();
  return sha256_hex(copy.SerializeAsString());
}

std::string check_final_adjustment(const Answer* answer, const api::ValidateContainerAdjustmentRequest& request,
                                   std::string_view plugin) {
  if (answer == nullptr) {
    return "validation: the plugin has no CreateContainer answer of its own for this container (it was restarted "
           "or its answer never reached the runtime), so it cannot vouch for the container's seccomp policy";
  }
  if (!answer->judged) return {};
  if (answer->outcome == Outcome::refused) {
    return "validation: the plugin refused this container at CreateContainer";
  }
  if (auto left = runtime_overrides_left(request); !left.empty()) {
    return fmt::format("validation: annotations {} in the final adjustment ask the OCI runtime to bypass the spec's "
                       "seccomp policy (another plugin or the container's own annotations put them there)",
                       join(left, ", "));
  }
  if (answer->outcome != Outcome::applied) return {};
  const std::string owner = seccomp_owner(request);
  if (owner != plugin) {
    return owner.empty()
        ? fmt::format("validation: the final adjustment sets no seccomp policy owned by {}, though the plugin decided "
                      "profiles {} (policy {}); the runtime would create the container without them",
                      plugin, answer->profiles, answer->hash)
        : fmt::format("validation: the container's seccomp policy is owned by plugin {}, not {}, which decided profiles "
                      "{} (policy {})",
                      owner, plugin, answer->profiles, answer->hash);
  }
  const auto& adjust = request.adjust();
  if (!adjust.has_linux() || !adjust.linux().has_seccomp_policy()) {
    return fmt::format("validation: the final adjustment carries no seccomp policy, though the plugin decided profiles "
                       "{} (policy {})", answer->profiles, answer->hash);
  }
  const auto& final_policy = adjust.linux().seccomp_policy();
  if (answer->policy_bytes == nullptr || final_policy.SerializeAsString() != *answer->policy_bytes) {
    return fmt::format("validation: the seccomp policy the runtime would apply (default {}, {} syscall rules) is not the "
                       "one the plugin decided (profiles {}, policy {})",
                       final_policy.default_action(), final_policy.syscalls_size(), answer->profiles, answer->hash);
  }
  return {};
}

}  // namespace nri_seccomp::policy
