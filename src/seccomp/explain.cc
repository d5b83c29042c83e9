// explain(): the runc + libseccomp reading of a policy for one syscall.
#include "seccomp/explain.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/merge_region.h"

namespace nri_seccomp::seccomp {
namespace {

std::string condition_text(const Arg& a) {
  switch (a.op) {
    case Op::masked_eq: return fmt::format("args[{}] & {:#x} == {:#x}", a.index, a.value, a.value_two);
    case Op::ne: return fmt::format("args[{}] != {:#x}", a.index, a.value);
    case Op::lt: return fmt::format("args[{}] < {:#x}", a.index, a.value);
    case Op::le: return fmt::format("args[{}] <= {:#x}", a.index, a.value);
    case Op::eq: return fmt::format("args[{}] == {:#x}", a.index, a.value);
    case Op::ge: return fmt::format("args[{}] >= {:#x}", a.index, a.value);
    case Op::gt: return fmt::format("args[{}] > {:#x}", a.index, a.value);
  }
  return "?";
}

void set_action(Explanation& e, Action action, uint32_t data) {
  e.action = action;
  e.data = data;
  e.ret = ret_value(action, data);
}

}  // namespace

Explanation explain(const Policy& policy, std::string_view arch, std::string_view syscall,
                    const std::array<uint64_t, 6>& raw_args, const CompileOptions& options) {
  const ArchInfo info = arch_info(arch);
  Explanation e;
  const auto targets = target_architectures(policy, options);
  if (std::find(targets.begin(), targets.end(), info.name) == targets.end()) {
    e.reason = Explanation::Reason::bad_architecture;
    set_action(e, Action::kill_thread, 0);
    return e;
  }
  const uint32_t default_data = action_data(policy.default_action, policy.default_errno);
  set_action(e, policy.default_action, default_data);
  if (!syscall_number(info, syscall)) {
    e.reason = Explanation::Reason::not_on_architecture;
    return e;
  }
  std::array<uint64_t, 6> args = raw_args;
  if (info.is_32bit) {
    for (auto& a : args) a &= 0xffffffffULL;
  }
  auto names_it = [&](const Rule& r) {
    return std::find(r.names.begin(), r.names.end(), syscall) != r.names.end();
  };
  // The first unconditional rule replaces every other rule for the syscall.
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& r = policy.syscalls[i];
    if (!names_it(r) || rule_matches_default(policy, r)) continue;
    for (const auto& set : runc_condition_sets(r)) {
      if (!set.empty()) continue;
      e.reason = Explanation::Reason::rule;
      e.rule_index = i;
      set_action(e, r.action, action_data(r.action, r.errno_ret));
      return e;
    }
  }
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& r = policy.syscalls[i];
    if (!names_it(r) || rule_matches_default(policy, r)) continue;
    for (const auto& set : runc_condition_sets(r)) {
      const bool all_hold = std::all_of(set.begin(), set.end(), [&](const Arg& a) {
        return a.index < 6 && region::holds(a, args[a.index]);
      });
      if (!all_hold) continue;
      const uint32_t data = action_data(r.action, r.errno_ret);
      if (!e.rule_index) {
        e.reason = Explanation::Reason::rule;
        e.rule_index = i;
        e.conditions = set;
        set_action(e, r.action, data);
      } else if (r.action != e.action || data != e.data) {
        e.ambiguous = true;
      }
    }
  }
  return e;
}

std::string describe(const Explanation& e, const Policy& policy) {
  const std::string verdict = describe_ret(e.ret);
  switch (e.reason) {
    case Explanation::Reason::bad_architecture:
      return fmt::format("{} (architecture not in the filter)", verdict);
    case Explanation::Reason::not_on_architecture:
      return fmt::format("{} by defaultAction (syscall does not exist on this architecture)", verdict);
    case Explanation::Reason::default_action:
      return fmt::format("{} by defaultAction (no rule matches)", verdict);
    case Explanation::Reason::rule: break;
  }
  std::string text = fmt::format("{} by syscalls[{}]", verdict, *e.rule_index);
  const Rule& r = policy.syscalls[*e.rule_index];
  text += " (" + fmt::format("{}", fmt::join(r.names, ",")) + ")";
  if (e.conditions.empty()) {
    text += " unconditionally";
  } else {
    std::vector<std::string> parts;
    for (const auto& c : e.conditions) parts.push_back(condition_text(c));
    text += " where " + fmt::format("{}", fmt::join(parts, " && "));
  }
  if (e.ambiguous) text += " [ambiguous: rules with other actions also match; libseccomp's tree order decides]";
  return text;
}

}  // namespace nri_seccomp::seccomp
