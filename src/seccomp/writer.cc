// OCI JSON output. nlohmann::ordered_json keeps insertion order, which makes
// the bytes depend only on the Policy, never on hashing or map order.
#include "seccomp/writer.h"

#include <nlohmann/json.hpp>

#include "common/sha256.h"

namespace nri_seccomp::seccomp {
namespace {

using Json = nlohmann::ordered_json;

Json arg_json(const Arg& arg) {
  Json out = Json::object();
  out["index"] = arg.index;
  out["value"] = arg.value;
  // runtime-spec declares valueTwo omitempty; only masked_eq reads it.
  if (arg.value_two != 0) out["valueTwo"] = arg.value_two;
  out["op"] = op_name(arg.op);
  return out;
}

Json rule_json(const Rule& rule) {
  Json out = Json::object();
  out["names"] = rule.names;
  out["action"] = action_name(rule.action);
  if (rule.errno_ret) out["errnoRet"] = *rule.errno_ret;
  if (!rule.args.empty()) {
    Json args = Json::array();
    for (const Arg& arg : rule.args) args.push_back(arg_json(arg));
    out["args"] = std::move(args);
  }
  return out;
}

Json policy_json(const Policy& policy) {
  Json out = Json::object();
  out["defaultAction"] = action_name(policy.default_action);
  if (policy.default_errno) out["defaultErrnoRet"] = *policy.default_errno;
  if (!policy.architectures.empty()) out["architectures"] = policy.architectures;
  if (!policy.flags.empty()) out["flags"] = policy.flags;
  if (!policy.listener_path.empty()) out["listenerPath"] = policy.listener_path;
  if (!policy.listener_metadata.empty()) out["listenerMetadata"] = policy.listener_metadata;
  if (!policy.syscalls.empty()) {
    Json rules = Json::array();
    for (const Rule& rule : policy.syscalls) rules.push_back(rule_json(rule));
    out["syscalls"] = std::move(rules);
  }
  return out;
}

}  // namespace

std::string to_oci_json(const Policy& policy, bool pretty) {
  // Strings come from profiles and may hold invalid UTF-8; replace rather than
  // throw so writing never fails.
  return policy_json(policy).dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

std::string policy_hash(const Policy& policy) {
  return "sha256:" + sha256_hex(to_oci_json(policy, false));
}

}  // namespace nri_seccomp::seccomp
