#include "seccomp/read_oci.h"

#include "seccomp/read_fields.h"

namespace nri_seccomp::seccomp::detail {

Policy read_oci(const Node& root) {
  root.allow_only({"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath",
                   "listenerMetadata", "syscalls"});
  Policy policy;
  policy.default_action = read_action(root.require("defaultAction"));
  if (auto n = root.get("defaultErrnoRet")) policy.default_errno = read_errno_number(*n);
  if (auto n = root.get("architectures")) policy.architectures = read_architectures(*n);
  if (auto n = root.get("flags")) policy.flags = read_flags(*n);
  if (auto n = root.get("listenerPath")) policy.listener_path = n->as_string();
  if (auto n = root.get("listenerMetadata")) policy.listener_metadata = n->as_string();
  if (auto n = root.get("syscalls")) {
    for (const Node& item : n->items()) {
      item.allow_only({"names", "action", "errnoRet", "args"});
      Rule rule;
      rule.names = read_syscall_names(item.require("names"));
      rule.action = read_action(item.require("action"));
      if (auto e = item.get("errnoRet")) rule.errno_ret = read_errno_number(*e);
      if (auto a = item.get("args")) rule.args = read_args(*a);
      policy.syscalls.push_back(std::move(rule));
    }
  }
  return policy;
}

bool looks_like_moby(const Node& root) {
  if (!root.is_object()) return false;
  if (root.has("archMap") || root.has("defaultErrno")) return true;
  const auto& syscalls = root.raw().find("syscalls");
  if (syscalls == root.raw().end() || !syscalls->is_array()) return false;
  for (const auto& rule : *syscalls) {
    if (!rule.is_object()) continue;
    for (const char* key : {"includes", "excludes", "comment", "errno", "name"}) {
      if (rule.contains(key)) return true;
    }
  }
  return false;
}

}  // namespace nri_seccomp::seccomp::detail
