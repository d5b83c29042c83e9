// Resolution rules (moby profiles/seccomp): a rule applies when every cap in
// includes.caps is held, the native arch is in includes.arches (if given), the
// kernel is at least includes.minKernel (unknown kernel: assumed new enough),
// no cap in excludes.caps is held and the native arch is not in
// excludes.arches. archMap picks the entry for the native arch: the result's
// architectures are that arch plus its sub-architectures.
#include "seccomp/read_moby.h"

#include <algorithm>
#include <charconv>

#include "seccomp/read_fields.h"
#include "seccomp/read_names.h"

namespace nri_seccomp::seccomp::detail {
namespace {

// "CAP_SYS_ADMIN", "cap_sys_admin" and "SYS_ADMIN" all name the same cap.
std::string canonical_cap(std::string_view cap) {
  std::string out(cap);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  if (out.rfind("CAP_", 0) != 0) out = "CAP_" + out;
  return out;
}

KernelVersion parse_kernel(const Node& node) {
  std::string text = node.as_string();
  KernelVersion v;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto r1 = std::from_chars(p, end, v.major);
  bool ok = r1.ec == std::errc() && r1.ptr != end && *r1.ptr == '.';
  if (ok) {
    auto r2 = std::from_chars(r1.ptr + 1, end, v.minor);
    ok = r2.ec == std::errc() && r2.ptr == end && v.major >= 0 && v.minor >= 0;
  }
  if (!ok) node.error("\"{}\" is not a kernel version (expected MAJOR.MINOR, e.g. \"4.8\")", text);
  return v;
}

struct Filter {
  std::vector<std::string> caps;    // canonical
  std::vector<std::string> arches;  // SCMP names
  std::optional<KernelVersion> min_kernel;
};

Filter read_filter(const Node& node, bool allow_min_kernel) {
  if (allow_min_kernel) {
    node.allow_only({"caps", "arches", "minKernel"});
  } else {
    node.allow_only({"caps", "arches"});
  }
  Filter filter;
  if (auto caps = node.get("caps")) {
    for (const Node& item : caps->items()) filter.caps.push_back(canonical_cap(item.as_string()));
  }
  if (auto arches = node.get("arches")) {
    for (const Node& item : arches->items()) {
      std::string name = item.as_string();
      auto scmp = architecture_from_short(name);
      if (!scmp) {
        item.error("unknown architecture \"{}\" (expected a Go name like amd64, arm64, x86, x32, "
                   "s390x, or an SCMP_ARCH_* name)", name);
      }
      filter.arches.emplace_back(*scmp);
    }
  }
  if (allow_min_kernel) {
    if (auto k = node.get("minKernel")) filter.min_kernel = parse_kernel(*k);
  }
  return filter;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool applies(const Filter& includes, const Filter& excludes, const ResolveContext& context,
             const std::vector<std::string>& caps) {
  for (const auto& cap : includes.caps) {
    if (!contains(caps, cap)) return false;
  }
  if (!includes.arches.empty() && !contains(includes.arches, context.arch)) return false;
  if (includes.min_kernel && context.kernel != KernelVersion{} && context.kernel < *includes.min_kernel) {
    return false;
  }
  for (const auto& cap : excludes.caps) {
    if (contains(caps, cap)) return false;
  }
  if (contains(excludes.arches, context.arch)) return false;
  return true;
}

// errnoRet (number) and errno (name) may both be given; they must agree.
std::optional<uint32_t> read_errno_pair(const Node& object, std::string_view number_key,
                                        std::string_view name_key) {
  std::optional<uint32_t> number, named;
  if (auto n = object.get(number_key)) number = read_errno_number(*n);
  if (auto n = object.get(name_key)) {
    std::string name = n->as_string();
    named = errno_by_name(name);
    if (!named) n->error("unknown errno name \"{}\" (expected a Linux errno name like EPERM or ENOSYS)", name);
  }
  if (number && named && *number != *named) {
    object.error("{} ({}) and {} ({}) disagree", number_key, *number, name_key, *named);
  }
  return number ? number : named;
}

}  // namespace

Policy read_moby(const Node& root, const ResolveContext& context) {
  root.allow_only({"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap",
                   "flags", "listenerPath", "listenerMetadata", "syscalls"});
  if (!known_architecture(context.arch)) {
    fail<ProfileError>("{}: cannot resolve for unknown architecture \"{}\" (accepted: {})",
                       root.where(), context.arch, architecture_list());
  }
  std::vector<std::string> caps;
  for (const auto& cap : context.caps) caps.push_back(canonical_cap(cap));

  Policy policy;
  policy.default_action = read_action(root.require("defaultAction"));
  policy.default_errno = read_errno_pair(root, "defaultErrnoRet", "defaultErrno");
  if (auto n = root.get("flags")) policy.flags = read_flags(*n);
  if (auto n = root.get("listenerPath")) policy.listener_path = n->as_string();
  if (auto n = root.get("listenerMetadata")) policy.listener_metadata = n->as_string();

  auto architectures = root.get("architectures");
  auto arch_map = root.get("archMap");
  if (architectures && arch_map) {
    root.error("both \"architectures\" and \"archMap\" are given; use one of them");
  }
  if (architectures) policy.architectures = read_architectures(*architectures);
  if (arch_map) {
    for (const Node& entry : arch_map->items()) {
      entry.allow_only({"architecture", "subArchitectures"});
      Node arch = entry.require("architecture");
      std::string name = arch.as_string();
      if (!known_architecture(name)) {
        arch.error("unknown architecture \"{}\" (accepted: {})", name, architecture_list());
      }
      std::vector<std::string> subs;
      if (auto s = entry.get("subArchitectures")) subs = read_architectures(*s);
      if (name != context.arch) continue;
      // The native arch first, as moby writes it.
      policy.architectures = {name};
      for (auto& sub : subs) {
        if (!contains(policy.architectures, sub)) policy.architectures.push_back(std::move(sub));
      }
    }
  }

  if (auto n = root.get("syscalls")) {
    for (const Node& item : n->items()) {
      item.allow_only({"name", "names", "action", "errnoRet", "errno", "args", "comment",
                       "includes", "excludes"});
      if (auto c = item.get("comment")) c->as_string();  // type-checked, otherwise ignored
      Filter includes, excludes;
      if (auto f = item.get("includes")) includes = read_filter(*f, true);
      if (auto f = item.get("excludes")) excludes = read_filter(*f, false);
      Rule rule;
      auto single = item.get("name");
      auto names = item.get("names");
      if (single && names) item.error("both \"name\" and \"names\" are given; use one of them");
      if (single) {
        std::string name = single->as_string();
        if (!plausible_syscall_name(name)) single->error("\"{}\" is not a syscall name", name);
        rule.names = {name};
      } else if (names) {
        rule.names = read_syscall_names(*names);
      } else {
        item.error("required field \"names\" is missing");
      }
      rule.action = read_action(item.require("action"));
      rule.errno_ret = read_errno_pair(item, "errnoRet", "errno");
      if (auto a = item.get("args")) rule.args = read_args(*a);
      // Validate every rule, then keep only those that apply here.
      if (applies(includes, excludes, context, caps)) policy.syscalls.push_back(std::move(rule));
    }
  }
  return policy;
}

}  // namespace nri_seccomp::seccomp::detail
