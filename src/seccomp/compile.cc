// check_and_compile: validation of a Policy as runc + libseccomp 2.5.4 read it,
// then one libseccomp context per architecture exported to BPF in memory.
#include "seccomp/compile.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/ranges.h>
#include <seccomp.h>

#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/libseccomp_hazards.h"
#include "seccomp/verify.h"
#include "seccomp/writer.h"

namespace nri_seccomp::seccomp {
namespace {

constexpr uint32_t kMaxErrno = 4095;       // the kernel's MAX_ERRNO
constexpr uint32_t kMaxTraceData = 0xffff; // SECCOMP_RET_DATA
// runc switches libseccomp to a binary tree of syscall numbers beyond this
// many rules; we do the same so instruction counts match what runs.
constexpr size_t kBinaryTreeThreshold = 32;

const std::set<std::string, std::less<>> kKnownFlags{
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};

std::string rule_label(size_t index, const Rule& rule) {
  std::string names;
  for (size_t i = 0; i < rule.names.size() && i < 3; ++i) {
    if (i > 0) names += ",";
    names += rule.names[i];
  }
  if (rule.names.size() > 3) names += ",...";
  return fmt::format("syscalls[{}] ({})", index, names);
}

void check_data(Action action, const std::optional<uint32_t>& data, const std::string& where,
                std::vector<std::string>& warnings) {
  if (action == Action::notify) {
    fail<ProfileError>("{}: SCMP_ACT_NOTIFY is not supported (no seccomp agent)", where);
  }
  if (!data) return;
  if (action == Action::errno_ret && *data > kMaxErrno) {
    fail<ProfileError>("{}: errno {} is out of range (0..{})", where, *data, kMaxErrno);
  }
  if (action == Action::trace && *data > kMaxTraceData) {
    fail<ProfileError>("{}: trace message {} is out of range (0..{})", where, *data, kMaxTraceData);
  }
  if (action != Action::errno_ret && action != Action::trace) {
    warnings.push_back(fmt::format("{}: errno {} is ignored for {}", where, *data, action_name(action)));
  }
}

void check_static(const Policy& policy, std::vector<std::string>& warnings) {
  if (!policy.listener_path.empty()) {
    fail<ProfileError>("listenerPath \"{}\": seccomp notify listeners are not supported",
                       policy.listener_path);
  }
  check_data(policy.default_action, policy.default_errno, "defaultAction", warnings);
  for (const auto& flag : policy.flags) {
    if (!kKnownFlags.contains(flag)) fail<ProfileError>("flags: unknown flag \"{}\"", flag);
  }
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& rule = policy.syscalls[i];
    const std::string where = rule_label(i, rule);
    if (rule.names.empty()) fail<ProfileError>("syscalls[{}]: no syscall names", i);
    for (const auto& name : rule.names) {
      if (name.empty()) fail<ProfileError>("{}: empty syscall name", where);
    }
    check_data(rule.action, rule.errno_ret, where, warnings);
    for (size_t j = 0; j < rule.args.size(); ++j) {
      const Arg& arg = rule.args[j];
      if (arg.index > 5) {
        fail<ProfileError>("{}: args[{}]: index {} is out of range (0..5)", where, j, arg.index);
      }
      if (arg.op != Op::masked_eq && arg.value_two != 0) {
        fail<ProfileError>("{}: args[{}]: valueTwo is only meaningful with SCMP_CMP_MASKED_EQ, not {}",
                           where, j, op_name(arg.op));
      }
      if (arg.op == Op::masked_eq && (arg.value_two & ~arg.value) != 0) {
        warnings.push_back(fmt::format(
            "{}: args[{}]: valueTwo {:#x} has bits outside mask {:#x}, the condition never holds",
            where, j, arg.value_two, arg.value));
      }
    }
  }
}

void check_fits_32bit(const Policy& policy, const ArchInfo& arch) {
  if (!arch.is_32bit) return;
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& rule = policy.syscalls[i];
    for (size_t j = 0; j < rule.args.size(); ++j) {
      const Arg& arg = rule.args[j];
      // libseccomp silently keeps only the low 32 bits there, changing the
      // rule -- harmless only for a mask whose expected high bits are 0,
      // because 32-bit arguments have no high bits.
      const bool harmless_mask = arg.op == Op::masked_eq && (arg.value_two >> 32) == 0;
      if (!harmless_mask && ((arg.value >> 32) != 0 || (arg.value_two >> 32) != 0)) {
        fail<ProfileError>(
            "{}: args[{}]: value {:#x}/valueTwo {:#x} does not fit 32-bit architecture {}",
            rule_label(i, rule), j, arg.value, arg.value_two, arch.name);
      }
    }
  }
}

scmp_compare to_scmp(Op op) {
  switch (op) {
    case Op::ne: return SCMP_CMP_NE;
    case Op::lt: return SCMP_CMP_LT;
    case Op::le: return SCMP_CMP_LE;
    case Op::eq: return SCMP_CMP_EQ;
    case Op::ge: return SCMP_CMP_GE;
    case Op::gt: return SCMP_CMP_GT;
    case Op::masked_eq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

struct Context {
  scmp_filter_ctx ctx = nullptr;
  explicit Context(uint32_t default_action) : ctx(seccomp_init(default_action)) {
    if (ctx == nullptr) fail<ProfileError>("libseccomp could not create a filter");
  }
  ~Context() { seccomp_release(ctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::vector<uint8_t> export_bpf(scmp_filter_ctx ctx, const std::string& arch) {
  Fd mem{memfd_create("nri-seccomp-bpf", MFD_CLOEXEC)};
  if (mem.fd < 0) fail("memfd_create failed: {}", std::strerror(errno));
  if (int rc = seccomp_export_bpf(ctx, mem.fd); rc < 0) {
    fail<ProfileError>("{}: libseccomp could not generate the filter: {}", arch, std::strerror(-rc));
  }
  const off_t size = lseek(mem.fd, 0, SEEK_END);
  if (size < 0) fail("lseek on memfd failed: {}", std::strerror(errno));
  std::vector<uint8_t> out(static_cast<size_t>(size));
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = pread(mem.fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n <= 0) fail("reading the exported filter failed: {}", std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return out;
}

bool unknown_everywhere(const std::string& name, const std::vector<std::string>& targets) {
  return std::none_of(targets.begin(), targets.end(),
                      [&](const std::string& t) { return syscall_number(arch_info(t), name).has_value(); });
}

ArchProgram compile_arch(const Policy& policy, const ArchInfo& arch, const CompileOptions& options,
                         const std::vector<std::string>& targets, std::vector<std::string>& warnings) {
  const uint32_t default_ret =
      ret_value(policy.default_action, action_data(policy.default_action, policy.default_errno));
  Context c(default_ret);
  seccomp_attr_set(c.ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  const uint32_t native = seccomp_arch_native();
  if (arch.token != native) {
    if (int rc = seccomp_arch_add(c.ctx, arch.token); rc < 0) {
      fail<ProfileError>("{}: libseccomp cannot add the architecture: {}", arch.name, std::strerror(-rc));
    }
    seccomp_arch_remove(c.ctx, native);
  }
  std::set<std::string_view> ruled_names;
  for (const auto& rule : policy.syscalls) {
    if (!rule_matches_default(policy, rule)) ruled_names.insert(rule.names.begin(), rule.names.end());
  }
  if (ruled_names.size() > kBinaryTreeThreshold) seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& rule = policy.syscalls[i];
    if (rule_matches_default(policy, rule)) continue;  // runc skips these; libseccomp refuses them
    const uint32_t ret = ret_value(rule.action, action_data(rule.action, rule.errno_ret));
    const auto sets = runc_condition_sets(rule);
    for (const auto& name : rule.names) {
      if (!syscall_number(arch, name)) {
        // Profiles list names for all architectures (moby's default has
        // x86's getegid32 next to x86_64's getegid): a name missing on some
        // targets is skipped like runc does; one missing on every target is
        // a typo or a foreign profile, refused unless told to ignore.
        if (options.unknown_syscalls == UnknownSyscalls::error && unknown_everywhere(name, targets)) {
          fail<ProfileError>("{}: syscall \"{}\" does not exist on {}", rule_label(i, rule), name,
                             fmt::join(targets, ", "));
        }
        warnings.push_back(
            fmt::format("{}: syscall \"{}\" does not exist on {}, skipped", rule_label(i, rule), name, arch.name));
        continue;
      }
      // libseccomp takes native numbers (pseudo numbers for names the native
      // arch lacks) and translates them for each architecture in the filter.
      const int native_nr = seccomp_syscall_resolve_name(name.c_str());
      for (const auto& set : sets) {
        std::array<scmp_arg_cmp, 6> cmps{};
        for (size_t k = 0; k < set.size(); ++k) {
          cmps[k] = scmp_arg_cmp{set[k].index, to_scmp(set[k].op), set[k].value, set[k].value_two};
        }
        const int rc = seccomp_rule_add_array(c.ctx, ret, native_nr, static_cast<unsigned>(set.size()),
                                              cmps.data());
        if (rc < 0) {
          fail<ProfileError>("{}: syscall \"{}\" on {}: libseccomp refused the rule: {}",
                             rule_label(i, rule), name, arch.name, std::strerror(-rc));
        }
      }
    }
  }
  ArchProgram program;
  program.arch = arch.name;
  program.bpf = export_bpf(c.ctx, arch.name);
  program.instructions = program.bpf.size() / 8;
  return program;
}

// A hash over every field, using the standard library's string hash (fast,
// word-at-a-time): the cache's hit path must stay a few microseconds for a
// moby-sized policy.
struct StructuralHash {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ULL + (h >> 29); }
  void str(const std::string& s) { mix(std::hash<std::string_view>{}(s)); }
  template <typename T>
  void value(const T& v) { mix(static_cast<uint64_t>(v)); }
};

uint64_t structural_hash(const Policy& p, const CompileOptions& o) {
  StructuralHash h;
  h.value(static_cast<uint8_t>(p.default_action));
  h.value(p.default_errno.value_or(0xffffffffU));
  for (const auto& a : p.architectures) h.str(a);
  for (const auto& f : p.flags) h.str(f);
  h.str(p.listener_path);
  h.str(p.listener_metadata);
  for (const auto& r : p.syscalls) {
    for (const auto& n : r.names) h.str(n);
    h.value(static_cast<uint8_t>(r.action));
    h.value(r.errno_ret.value_or(0xffffffffU));
    for (const auto& a : r.args) {
      h.value(a.index);
      h.value(a.value);
      h.value(a.value_two);
      h.value(static_cast<uint8_t>(a.op));
    }
  }
  for (const auto& a : o.architectures) h.str(a);
  h.value(static_cast<uint8_t>(o.unknown_syscalls));
  h.value(o.verify);
  return h.h;
}

std::string options_key(const CompileOptions& o) {
  std::string key = o.unknown_syscalls == UnknownSyscalls::error ? "unknown=error" : "unknown=ignore";
  if (!o.verify) key += ",unverified";
  if (o.runtime_libseccomp) key += ",runtime-libseccomp=" + o.runtime_libseccomp->text();
  for (const auto& a : o.architectures) key += "," + a;
  return key;
}

}  // namespace

std::string libseccomp_version() { return own_libseccomp_version().text(); }

uint32_t action_data(Action action, const std::optional<uint32_t>& errno_ret) {
  if (action == Action::errno_ret || action == Action::trace) return errno_ret.value_or(kDefaultErrno);
  return 0;
}

std::vector<std::vector<Arg>> runc_condition_sets(const Rule& rule) {
  std::array<int, 6> count{};
  for (const auto& a : rule.args) {
    if (a.index < 6) ++count[a.index];
  }
  std::vector<std::vector<Arg>> sets;
  std::vector<Arg> joint;
  for (const auto& a : rule.args) {
    if (a.index < 6 && count[a.index] > 1) sets.push_back({a});
    else joint.push_back(a);
  }
  if (!joint.empty() || sets.empty()) sets.push_back(std::move(joint));
  return sets;
}

bool rule_matches_default(const Policy& policy, const Rule& rule) {
  return rule.action == policy.default_action &&
         action_data(rule.action, rule.errno_ret) ==
             action_data(policy.default_action, policy.default_errno);
}

std::vector<std::string> target_architectures(const Policy& policy, const CompileOptions& options) {
  std::vector<std::string> arches = options.architectures;
  if (arches.empty()) arches = policy.architectures;
  if (arches.empty()) arches = with_sub_architectures(native_arch());
  std::vector<std::string> unique;
  for (auto& a : arches) {
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
  }
  return unique;
}

CompiledPolicy check_and_compile(const Policy& policy, const CompileOptions& options) {
  CompiledPolicy out;
  check_static(policy, out.warnings);
  check_libseccomp_hazards(policy);
  if (options.runtime_libseccomp && *options.runtime_libseccomp != own_libseccomp_version()) {
    check_libseccomp_hazards(policy, *options.runtime_libseccomp);
  }
  const auto targets = target_architectures(policy, options);
  for (const auto& name : targets) arch_info(name);  // unknown names first, before any work
  for (const auto& name : targets) {
    const ArchInfo arch = arch_info(name);
    check_fits_32bit(policy, arch);
    out.programs.push_back(compile_arch(policy, arch, options, targets, out.warnings));
    out.total_instructions += out.programs.back().instructions;
  }
  if (out.total_instructions > kMaxFilterInstructions) {
    std::string per_arch;
    for (const auto& p : out.programs) per_arch += fmt::format(" {}={}", p.arch, p.instructions);
    fail<ProfileError>("the filter needs {} BPF instructions (kernel limit {}):{}",
                       out.total_instructions, kMaxFilterInstructions, per_arch);
  }
  if (options.verify) out.verified_inputs = verify_compiled(policy, out, options).inputs;
  out.key = policy_hash(policy) + "|" + options_key(options);
  return out;
}

std::shared_ptr<const CompiledPolicy> CompileCache::get_or_compile(const Policy& policy,
                                                                   const CompileOptions& options) {
  const uint64_t h = structural_hash(policy, options);
  auto same = [&](const Entry& e) {
    return e.options.architectures == options.architectures &&
           e.options.unknown_syscalls == options.unknown_syscalls && e.options.verify == options.verify &&
           e.options.runtime_libseccomp == options.runtime_libseccomp && e.policy == policy;
  };
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = entries_.equal_range(h);
    for (auto it = first; it != last; ++it) {
      if (same(it->second)) {
        ++hits_;
        return it->second.compiled;
      }
    }
  }
  // Compile outside the lock: other containers' lookups must not wait for it.
  ++misses_;
  auto compiled = std::make_shared<const CompiledPolicy>(check_and_compile(policy, options));
  std::lock_guard lock(mutex_);
  auto [first, last] = entries_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    if (same(it->second)) return it->second.compiled;  // a concurrent miss won the race
  }
  // Bounded: every reload and every new combination adds entries. Dropping
  // them all costs only recompiles, never correctness.
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(h, Entry{policy, options, compiled});
  return compiled;
}

size_t CompileCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace nri_seccomp::seccomp
