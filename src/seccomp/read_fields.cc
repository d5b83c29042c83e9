#include "seccomp/read_fields.h"

#include <charconv>
#include <limits>
#include <unordered_set>

#include "seccomp/read_names.h"

namespace nri_seccomp::seccomp::detail {

Action read_action(const Node& node) {
  std::string name = node.as_string();
  try {
    return parse_action(name);
  } catch (const ProfileError& e) {
    node.error("{}", e.what());
  }
}

Op read_op(const Node& node) {
  std::string name = node.as_string();
  try {
    return parse_op(name);
  } catch (const ProfileError& e) {
    node.error("{}", e.what());
  }
}

std::vector<std::string> read_syscall_names(const Node& node) {
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;  // a 1 MiB profile can list ~100k names
  for (const Node& item : node.items()) {
    std::string name = item.as_string();
    if (!plausible_syscall_name(name)) {
      item.error("\"{}\" is not a syscall name (letters, digits and _ only, at most 64)", name);
    }
    if (seen.insert(name).second) names.push_back(std::move(name));
  }
  if (names.empty()) node.error("must list at least one syscall");
  return names;
}

std::vector<Arg> read_args(const Node& node) {
  std::vector<Arg> args;
  for (const Node& item : node.items()) {
    item.allow_only({"index", "value", "valueTwo", "op"});
    Arg arg;
    arg.index = static_cast<uint32_t>(item.require("index").as_uint(5));
    if (auto value = item.get("value")) arg.value = value->as_uint(std::numeric_limits<uint64_t>::max());
    if (auto two = item.get("valueTwo")) arg.value_two = two->as_uint(std::numeric_limits<uint64_t>::max());
    arg.op = read_op(item.require("op"));
    if (arg.op != Op::masked_eq) arg.value_two = 0;
    args.push_back(arg);
  }
  return args;
}

std::vector<std::string> read_architectures(const Node& node) {
  std::vector<std::string> out;
  for (const Node& item : node.items()) {
    std::string arch = item.as_string();
    if (!known_architecture(arch)) {
      item.error("unknown architecture \"{}\" (accepted: {})", arch, architecture_list());
    }
    bool seen = false;
    for (const auto& a : out) seen = seen || a == arch;
    if (!seen) out.push_back(std::move(arch));
  }
  return out;
}

std::vector<std::string> read_flags(const Node& node) {
  std::vector<std::string> out;
  for (const Node& item : node.items()) {
    std::string flag = item.as_string();
    if (!known_flag(flag)) item.error("unknown flag \"{}\" (accepted: {})", flag, flag_list());
    bool seen = false;
    for (const auto& f : out) seen = seen || f == flag;
    if (!seen) out.push_back(std::move(flag));
  }
  return out;
}

uint32_t read_errno_number(const Node& node) {
  return static_cast<uint32_t>(node.as_uint(std::numeric_limits<uint32_t>::max()));
}

uint32_t read_errno_any(const Node& node) {
  if (!node.is_string()) return read_errno_number(node);
  std::string text = node.as_string();
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return value;
  if (auto known = errno_by_name(text)) return *known;
  node.error("unknown errno \"{}\" (expected a Linux errno name like EPERM or ENOSYS, or a number)",
             text);
}

}  // namespace nri_seccomp::seccomp::detail
