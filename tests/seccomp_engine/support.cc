#include "support.h"

#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp::testing {

Filter::Filter(const Policy& policy, const CompileOptions& options)
    : compiled_(check_and_compile(policy, options)) {
  for (const auto& p : compiled_.programs) programs_.emplace_back(p.arch, decode_bpf(p.bpf));
}

Filter::Filter(CompiledPolicy compiled) : compiled_(std::move(compiled)) {
  for (const auto& p : compiled_.programs) programs_.emplace_back(p.arch, decode_bpf(p.bpf));
}

uint32_t Filter::answer_nr(std::string_view arch, int nr, const Args& args) const {
  const ArchInfo info = arch_info(arch);
  for (const auto& [name, program] : programs_) {
    if (name != arch) continue;
    SeccompData data;
    data.nr = nr;
    data.arch = info.audit_arch;
    data.args = args;
    if (info.is_32bit) {
      for (auto& a : data.args) a &= 0xffffffffULL;  // the kernel zero-extends 32-bit args
    }
    return evaluate(program, data, info.big_endian);
  }
  return kRetKillThread;
}

uint32_t Filter::answer(std::string_view arch, std::string_view name, const Args& args) const {
  const auto nr = syscall_number(arch_info(arch), name);
  if (!nr) fail("test asks for {} which does not exist on {}", name, arch);
  return answer_nr(arch, *nr, args);
}

uint32_t stricter_ret(uint32_t first, uint32_t second) {
  const auto a = static_cast<int32_t>(ret_action(first));
  const auto b = static_cast<int32_t>(ret_action(second));
  return b < a ? second : first;
}

Policy load_seed(const std::string& file) {
  return read_profile_file(std::string(NRI_SECCOMP_PROFILES_DIR) + "/" + file, {});
}

Rule rule(std::vector<std::string> names, Action action, std::vector<Arg> args, std::optional<uint32_t> err) {
  Rule r;
  r.names = std::move(names);
  r.action = action;
  r.args = std::move(args);
  r.errno_ret = err;
  return r;
}

Policy x86_64(Action def, std::vector<Rule> rules) {
  Policy p;
  p.default_action = def;
  p.architectures = {"SCMP_ARCH_X86_64"};
  p.syscalls = std::move(rules);
  return p;
}

std::string compile_error(const Policy& p, const CompileOptions& o) {
  try {
    check_and_compile(p, o);
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace nri_seccomp::seccomp::testing
