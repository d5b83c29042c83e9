// Field-by-field copy between Policy and NRI's LinuxSeccomp. The runtime's
// strings are validated on the way in: an action or operator we do not know
// must not silently become something else.
#include "seccomp/nri_convert.h"

#include "common/error.h"

namespace nri_seccomp::seccomp {

namespace api = nri::pkg::api::v1alpha1;

void to_nri(const Policy& policy, api::LinuxSeccomp& out) {
  out.Clear();
  out.set_default_action(std::string(action_name(policy.default_action)));
  if (policy.default_errno) out.mutable_default_errno()->set_value(*policy.default_errno);
  for (const auto& arch : policy.architectures) out.add_architectures(arch);
  for (const auto& flag : policy.flags) out.add_flags(flag);
  out.set_listener_path(policy.listener_path);
  out.set_listener_metadata(policy.listener_metadata);
  for (const Rule& rule : policy.syscalls) {
    api::LinuxSyscall* syscall = out.add_syscalls();
    for (const auto& name : rule.names) syscall->add_names(name);
    syscall->set_action(std::string(action_name(rule.action)));
    if (rule.errno_ret) syscall->mutable_errno_ret()->set_value(*rule.errno_ret);
    for (const Arg& arg : rule.args) {
      api::LinuxSeccompArg* a = syscall->add_args();
      a->set_index(arg.index);
      a->set_value(arg.value);
      a->set_value_two(arg.value_two);
      a->set_op(std::string(op_name(arg.op)));
    }
  }
}

namespace {

Action action_from_nri(const std::string& name, std::string_view where) {
  try {
    return parse_action(name);
  } catch (const ProfileError& e) {
    fail<ProfileError>("NRI seccomp policy: {}: {}", where, e.what());
  }
}

}  // namespace

Policy from_nri(const api::LinuxSeccomp& in) {
  Policy policy;
  policy.default_action = action_from_nri(in.default_action(), "default_action");
  if (in.has_default_errno()) policy.default_errno = in.default_errno().value();
  policy.architectures.assign(in.architectures().begin(), in.architectures().end());
  policy.flags.assign(in.flags().begin(), in.flags().end());
  policy.listener_path = in.listener_path();
  policy.listener_metadata = in.listener_metadata();
  policy.syscalls.reserve(in.syscalls_size());
  for (int i = 0; i < in.syscalls_size(); ++i) {
    const api::LinuxSyscall& syscall = in.syscalls(i);
    Rule rule;
    rule.names.assign(syscall.names().begin(), syscall.names().end());
    rule.action = action_from_nri(syscall.action(), fmt::format("syscalls[{}].action", i));
    if (syscall.has_errno_ret()) rule.errno_ret = syscall.errno_ret().value();
    for (int j = 0; j < syscall.args_size(); ++j) {
      const api::LinuxSeccompArg& a = syscall.args(j);
      if (a.index() > 5) {
        fail<ProfileError>("NRI seccomp policy: syscalls[{}].args[{}].index: {} is out of range (0..5)",
                           i, j, a.index());
      }
      Arg arg;
      arg.index = a.index();
      arg.value = a.value();
      arg.value_two = a.value_two();
      try {
        arg.op = parse_op(a.op());
      } catch (const ProfileError& e) {
        fail<ProfileError>("NRI seccomp policy: syscalls[{}].args[{}].op: {}", i, j, e.what());
      }
      rule.args.push_back(arg);
    }
    policy.syscalls.push_back(std::move(rule));
  }
  return policy;
}

}  // namespace nri_seccomp::seccomp
