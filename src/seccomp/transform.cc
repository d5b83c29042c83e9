// preserve_default_errno and complain (see transform.h), both built on combine().
#include "seccomp/transform.h"

#include "seccomp/arch.h"
#include "seccomp/compile.h"
#include "seccomp/merge_combine.h"

namespace nri_seccomp::seccomp {
namespace {

std::vector<std::string> names_on_all(const std::vector<std::string>& arches) {
  std::vector<std::string> out;
  std::vector<ArchInfo> infos;
  for (const auto& a : arches) infos.push_back(arch_info(a));
  for (const auto& name : known_syscall_names(arches)) {
    bool everywhere = true;
    for (const auto& info : infos) everywhere = everywhere && syscall_number(info, name).has_value();
    if (everywhere) out.push_back(name);
  }
  return out;
}

}  // namespace

Policy preserve_default_errno(const Policy& policy, const std::vector<std::string>& architectures) {
  const Verdict original = default_verdict(policy);
  const bool carries_data =
      policy.default_action == Action::errno_ret || policy.default_action == Action::trace;
  if (!carries_data || original.data == kDefaultErrno) {
    Policy out = policy;
    out.default_errno.reset();
    return out;
  }
  CompileOptions options;
  options.architectures = architectures;
  const Policy* inputs[] = {&policy};
  CombineOptions combine_options;
  combine_options.sources = {"policy"};
  combine_options.extra_names = names_on_all(target_architectures(policy, options));
  combine_options.result_default = Verdict{policy.default_action, kDefaultErrno};
  combine_options.fallback_to_default_errno = true;
  Policy out = combine(inputs, [](std::span<const Verdict> v) { return v[0]; }, combine_options);
  out.default_errno.reset();
  out.architectures = policy.architectures;
  out.flags = policy.flags;
  out.listener_path = policy.listener_path;
  out.listener_metadata = policy.listener_metadata;
  return out;
}

Policy complain(const Policy& base, const Policy& merged) {
  const Policy* inputs[] = {&base, &merged};
  CombineOptions options;
  options.sources = {"base", "merged"};
  auto logged = [](std::span<const Verdict> v) {
    const Verdict& was = v[0];
    const Verdict& would = v[1];
    if (!stricter(would.action, was.action)) return was;
    return stricter(was.action, Action::log) ? was : Verdict{Action::log, 0};
  };
  Policy out = combine(inputs, logged, options);
  out.architectures = base.architectures;
  out.flags = base.flags;
  return out;
}

}  // namespace nri_seccomp::seccomp
