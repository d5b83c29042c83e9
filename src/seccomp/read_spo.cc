// SPO semantics for baseProfileName (its controller unions the base into the
// child): the result has the base's rules followed by the child's, and the
// child's defaultAction. Architectures, flags and listener settings come from
// the child when it sets them, else from the base. The base's defaultErrnoRet
// survives only if the child keeps the base's defaultAction.
#include "seccomp/read_spo.h"

#include <algorithm>

#include "seccomp/read_fields.h"

namespace nri_seccomp::seccomp::detail {
namespace {

constexpr std::string_view kGroup = "security-profiles-operator.x-k8s.io/";

std::string join_chain(const std::vector<std::string>& chain, std::string_view last = {}) {
  std::string out;
  for (const auto& name : chain) {
    if (!out.empty()) out += " -> ";
    out += name;
  }
  if (!last.empty()) {
    out += " -> ";
    out += last;
  }
  return out;
}

Policy read_spec(const Node& spec) {
  spec.allow_only({"baseProfileName", "defaultAction", "architectures", "listenerPath",
                   "listenerMetadata", "syscalls", "flags"});
  Policy policy;
  policy.default_action = read_action(spec.require("defaultAction"));
  if (auto n = spec.get("architectures")) policy.architectures = read_architectures(*n);
  if (auto n = spec.get("flags")) policy.flags = read_flags(*n);
  if (auto n = spec.get("listenerPath")) policy.listener_path = n->as_string();
  if (auto n = spec.get("listenerMetadata")) policy.listener_metadata = n->as_string();
  if (auto n = spec.get("syscalls")) {
    for (const Node& item : n->items()) {
      item.allow_only({"names", "action", "errnoRet", "args"});
      Rule rule;
      rule.names = read_syscall_names(item.require("names"));
      rule.action = read_action(item.require("action"));
      // v1beta1 declares errnoRet as a string; older objects carry a number.
      if (auto e = item.get("errnoRet")) rule.errno_ret = read_errno_any(*e);
      if (auto a = item.get("args")) rule.args = read_args(*a);
      policy.syscalls.push_back(std::move(rule));
    }
  }
  return policy;
}

Policy with_base(Policy base, Policy child) {
  Policy out = std::move(child);
  if (out.default_action == base.default_action) out.default_errno = base.default_errno;
  if (out.architectures.empty()) out.architectures = std::move(base.architectures);
  if (out.flags.empty()) out.flags = std::move(base.flags);
  if (out.listener_path.empty()) out.listener_path = std::move(base.listener_path);
  if (out.listener_metadata.empty()) out.listener_metadata = std::move(base.listener_metadata);
  std::vector<Rule> rules = std::move(base.syscalls);
  for (auto& rule : out.syscalls) rules.push_back(std::move(rule));
  out.syscalls = std::move(rules);
  return out;
}

}  // namespace

bool is_spo(const Node& root) {
  if (!root.is_object()) return false;
  auto kind = root.raw().find("kind");
  return kind != root.raw().end() && kind->is_string() && *kind == "SeccompProfile";
}

Policy read_spo(const Node& root, const ReadOptions& options, std::vector<std::string>& chain) {
  root.allow_only({"apiVersion", "kind", "metadata", "spec", "status"});
  Node api = root.require("apiVersion");
  std::string api_version = api.as_string();
  if (api_version.rfind(kGroup, 0) != 0) {
    api.error("\"{}\" is not a Security Profiles Operator API version (expected {}v1beta1)",
              api_version, kGroup);
  }
  if (root.require("kind").as_string() != "SeccompProfile") {
    root.require("kind").error("expected SeccompProfile");
  }
  std::string self = options.source_name;
  if (auto meta = root.get("metadata")) {
    meta->expect_object();  // contents (labels, annotations...) are not ours to judge
    if (auto name = meta->get("name")) self = name->as_string();
  }
  Policy policy = read_spec(root.require("spec"));

  auto base_node = root.require("spec").get("baseProfileName");
  if (!base_node) return policy;
  std::string base_name = base_node->as_string();
  if (base_name.empty()) return policy;

  bool top_level = chain.empty();
  if (top_level) chain.push_back(self);
  if (std::find(chain.begin(), chain.end(), base_name) != chain.end()) {
    base_node->error("base profile cycle: {}", join_chain(chain, base_name));
  }
  if (static_cast<int>(chain.size()) > kMaxBaseDepth) {
    base_node->error("base profile chain deeper than {}: {}", kMaxBaseDepth,
                     join_chain(chain, base_name));
  }
  if (!options.base_lookup) {
    base_node->error("base profile \"{}\" cannot be resolved: no profile lookup is configured",
                     base_name);
  }
  std::optional<std::string> text = options.base_lookup(base_name);
  if (!text) base_node->error("base profile \"{}\" not found (chain: {})", base_name, join_chain(chain, base_name));

  ReadOptions base_options = options;
  base_options.source_name = fmt::format("{} (base of {})", base_name, chain.back());
  base_options.format = Format::auto_detect;
  chain.push_back(base_name);
  Policy base = read_profile_in_chain(*text, base_options, chain);
  chain.pop_back();
  if (top_level) chain.pop_back();
  return with_base(std::move(base), std::move(policy));
}

}  // namespace nri_seccomp::seccomp::detail
