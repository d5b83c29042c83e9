// verify_compiled: the compiled BPF against the policy, on representative
// inputs (see verify.h for what is covered and why).
#include "seccomp/verify.h"

#include <seccomp.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/merge_region.h"

namespace nri_seccomp::seccomp {
namespace {

using Args = std::array<uint64_t, 6>;
constexpr uint64_t kMax = ~uint64_t{0};
constexpr uint64_t kLow32 = 0xffffffffULL;
// Up to this many inputs per syscall every boundary value is combined with
// every other; beyond it boundaries are combined with one value per region
// of the other arguments (still every region combination).
constexpr size_t kFullProduct = 4096;
// A policy whose argument regions alone exceed this cannot be verified in
// reasonable time; refused rather than handed out unverified.
constexpr size_t kMaxRegionsPerSyscall = size_t{1} << 20;

// The syscall numbers libseccomp knows per architecture, computed once: the
// tables are constant, and scanning them costs more than a whole verification.
const std::vector<int>& known_numbers(const ArchInfo& arch) {
  static std::mutex mutex;
  static std::map<uint32_t, std::vector<int>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(arch.token);
  if (it != cache.end()) return it->second;
  std::vector<int> out;
  auto scan = [&](int from, int to) {
    for (int nr = from; nr < to; ++nr) {
      if (syscall_name(arch, nr)) out.push_back(nr);
    }
  };
  const bool mips = arch.name.find("MIPS") != std::string::npos;
  const int base = arch.token == SCMP_ARCH_X32 ? 0x40000000 : 0;
  if (mips) {
    scan(4000, 7000);  // o32, n64 and n32 tables
  } else {
    scan(base, base + 1024);
    if (arch.token == SCMP_ARCH_ARM) scan(0x0f0000, 0x0f0010);  // ARM private syscalls
  }
  return cache.emplace(arch.token, std::move(out)).first->second;
}

// Numbers no table has: the filter must give them the default action.
std::vector<int> unknown_numbers(const ArchInfo& arch, const std::vector<int>& known) {
  const int base = arch.token == SCMP_ARCH_X32 ? 0x40000000 : 0;
  std::vector<int> out;
  for (int offset : {1023, 2047, 0x3fff, 0xfffff}) {
    const int nr = base + offset;
    if (!std::binary_search(known.begin(), known.end(), nr)) out.push_back(nr);
  }
  if (arch.token == SCMP_ARCH_X86_64) out.push_back(0x3fffffff);  // just below x32's bit
  return out;
}

struct RuledBy {
  size_t rule;
  uint32_t ret;
  std::vector<std::vector<Arg>> sets;  // runc's reading
};

struct Model {
  std::vector<RuledBy> rules;          // in policy order
  std::set<uint32_t> routed;           // verdicts libseccomp routes through a multiplexer
  std::optional<size_t> unconditional; // index into rules of the first unconditional one
};

std::string args_text(const Args& args) {
  std::vector<std::string> parts;
  for (uint64_t a : args) parts.push_back(fmt::format("{:#x}", a));
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

// Per argument: values on and next to every condition's boundaries.
std::vector<uint64_t> boundary_values(const std::vector<Arg>& conds, bool is_32bit) {
  std::set<uint64_t> v{0, 1, kMax, kLow32, kLow32 + 1, 0x7fffffffULL, 0x80000000ULL};
  std::vector<uint64_t> starts{0};
  for (const auto& c : conds) {
    if (c.op == Op::masked_eq) continue;
    for (uint64_t x : {c.value - 1, c.value, c.value + 1}) {
      v.insert(x);
      starts.push_back(x);
    }
  }
  for (const auto& c : conds) {
    if (c.op != Op::masked_eq) continue;
    const uint64_t m = c.value, p = c.value_two & m;
    v.insert(p);
    v.insert(p | ~m);
    if (m != 0) {
      v.insert(p ^ (m & (0 - m)));                          // lowest mask bit flipped
      v.insert(p ^ (uint64_t{1} << (63 - __builtin_clzll(m))));  // highest
    }
    // The pattern inside every interval the other conditions define.
    for (uint64_t s : starts) {
      if (auto x = region::next_match(s, m, p)) v.insert(*x);
    }
    // The pattern together with each other mask condition on this argument.
    for (const auto& d : conds) {
      if (d.op != Op::masked_eq || &d == &c) continue;
      const uint64_t common = m & d.value;
      if ((p & common) == (d.value_two & common)) v.insert(p | (d.value_two & d.value));
    }
  }
  std::set<uint64_t> out;
  for (uint64_t x : v) {
    if (is_32bit) {
      out.insert(x & kLow32);  // the kernel zero-extends 32-bit arguments
      continue;
    }
    // The same low half with other high halves: a 64-bit comparison compiled
    // as a 32-bit one shows here.
    out.insert(x);
    out.insert(x & kLow32);
    out.insert(x | ~kLow32);
    out.insert(x ^ (uint64_t{1} << 32));
  }
  return {out.begin(), out.end()};
}

// One value per region: values whose conditions all answer alike are the
// same region; the first (smallest) stands for it.
std::vector<uint64_t> region_values(const std::vector<uint64_t>& values, const std::vector<Arg>& conds) {
  std::set<std::vector<bool>> seen;
  std::vector<uint64_t> out;
  for (uint64_t x : values) {
    std::vector<bool> signature;
    for (const auto& c : conds) signature.push_back(region::holds(c, x));
    if (seen.insert(std::move(signature)).second) out.push_back(x);
  }
  return out;
}

// Calls f for every combination of one value per slot (slot k sets args[index[k]]).
template <typename F>
void each_combination(const std::vector<uint32_t>& index, const std::vector<const std::vector<uint64_t>*>& values,
                      F&& f) {
  std::vector<size_t> pos(index.size(), 0);
  Args args{};
  for (;;) {
    for (size_t k = 0; k < index.size(); ++k) args[index[k]] = (*values[k])[pos[k]];
    f(args);
    size_t k = 0;
    while (k < index.size() && ++pos[k] == values[k]->size()) pos[k++] = 0;
    if (k == index.size()) return;
  }
}

class Verifier {
 public:
  Verifier(const Policy& policy, const ArchInfo& arch, const ArchProgram& program)
      : policy_(policy), arch_(arch), program_(decode_bpf(program.bpf)),
        default_ret_(ret_value(policy.default_action, action_data(policy.default_action, policy.default_errno))) {}

  void run(size_t& inputs) {
    const auto& known = known_numbers(arch_);
    const auto models = build_models(known);
    for (int nr : known) {
      auto it = models.find(nr);
      if (it == models.end()) {
        check_flat(nr, nullptr, inputs);
      } else if (it->second.unconditional || it->second.rules.empty()) {
        check_flat(nr, &it->second, inputs);
      } else {
        check_conditional(nr, it->second, inputs);
      }
    }
    for (int nr : unknown_numbers(arch_, known)) check_flat(nr, nullptr, inputs);
  }

 private:
  std::map<int, Model> build_models(const std::vector<int>& known) const {
    // Names per number: the table's own name, plus aliases the rules use
    // (libseccomp compiles a rule by its number, whatever its name).
    std::unordered_map<std::string, std::vector<size_t>> by_name;
    for (size_t i = 0; i < policy_.syscalls.size(); ++i) {
      const Rule& r = policy_.syscalls[i];
      if (rule_matches_default(policy_, r)) continue;  // runc skips these
      for (const auto& n : r.names) {
        auto& list = by_name[n];
        if (list.empty() || list.back() != i) list.push_back(i);
      }
    }
    std::map<int, std::set<size_t>> rules_of;
    std::map<int, std::set<uint32_t>> routed;
    for (int nr : known) {
      if (auto name = syscall_name(arch_, nr)) {
        auto it = by_name.find(*name);
        if (it != by_name.end()) rules_of[nr].insert(it->second.begin(), it->second.end());
      }
    }
    for (const auto& [name, rules] : by_name) {
      const int direct = seccomp_syscall_resolve_name_arch(arch_.token, name.c_str());
      if (direct >= 0) {
        rules_of[direct].insert(rules.begin(), rules.end());
        continue;
      }
      // Reached only through socketcall/ipc here: libseccomp adds the rule
      // to the multiplexer with the sub-call number in place of arg 0.
      const int mux = seccomp_syscall_resolve_name_rewrite(arch_.token, name.c_str());
      if (mux < 0) continue;
      for (size_t i : rules) {
        const Rule& r = policy_.syscalls[i];
        routed[mux].insert(ret_value(r.action, action_data(r.action, r.errno_ret)));
      }
    }
    std::map<int, Model> out;
    for (auto& [nr, rules] : rules_of) {
      Model& m = out[nr];
      for (size_t i : rules) {
        const Rule& r = policy_.syscalls[i];
        m.rules.push_back({i, ret_value(r.action, action_data(r.action, r.errno_ret)), runc_condition_sets(r)});
        for (const auto& set : m.rules.back().sets) {
          if (set.empty() && !m.unconditional) m.unconditional = m.rules.size() - 1;
        }
      }
    }
    for (auto& [nr, verdicts] : routed) out[nr].routed = std::move(verdicts);
    return out;
  }

  uint32_t answer(int nr, const Args& args) const {
    SeccompData data;
    data.nr = nr;
    data.arch = arch_.audit_arch;
    data.args = args;
    return evaluate(program_, data, arch_.big_endian);
  }

  // A syscall whose answer does not depend on its arguments.
  void check_flat(int nr, const Model* model, size_t& inputs) const {
    uint32_t want = default_ret_;
    std::string by = "defaultAction";
    if (model != nullptr && model->unconditional) {
      const RuledBy& r = model->rules[*model->unconditional];
      want = r.ret;
      by = fmt::format("syscalls[{}] unconditionally", r.rule);
    }
    const uint64_t all = arch_.is_32bit ? kLow32 : kMax;
    for (const Args& args : {Args{}, Args{all, all, all, all, all, all}}) {
      ++inputs;
      const uint32_t got = answer(nr, args);
      if (got == want || (model != nullptr && model->routed.contains(got))) continue;
      mismatch(nr, args, got, describe_ret(want), by);
    }
  }

  void check_conditional(int nr, const Model& model, size_t& inputs) const {
    std::array<std::vector<Arg>, 6> conds;
    for (const auto& r : model.rules) {
      for (const auto& set : r.sets) {
        for (const auto& a : set) {
          if (a.index < 6) conds[a.index].push_back(a);
        }
      }
    }
    std::vector<uint32_t> index;
    std::vector<std::vector<uint64_t>> bounds, regions;
    for (uint32_t i = 0; i < 6; ++i) {
      if (conds[i].empty()) continue;
      index.push_back(i);
      bounds.push_back(boundary_values(conds[i], arch_.is_32bit));
      regions.push_back(region_values(bounds.back(), conds[i]));
    }
    auto check = [&](const Args& args) {
      ++inputs;
      std::set<uint32_t> want;
      std::string by;
      for (const auto& r : model.rules) {
        for (const auto& set : r.sets) {
          const bool match = std::all_of(set.begin(), set.end(), [&](const Arg& a) {
            return a.index < 6 && region::holds(a, args[a.index]);
          });
          if (!match) continue;
          if (want.insert(r.ret).second) by += fmt::format("{}syscalls[{}]", by.empty() ? "" : ", ", r.rule);
          break;
        }
      }
      if (want.empty()) {
        want.insert(default_ret_);
        by = "defaultAction, no rule matches";
      }
      const uint32_t got = answer(nr, args);
      if (want.contains(got) || model.routed.contains(got)) return;
      std::vector<std::string> wanted;
      for (uint32_t w : want) wanted.push_back(describe_ret(w));
      mismatch(nr, args, got, fmt::format("{}", fmt::join(wanted, " or ")), by);
    };
    size_t full = 1, regions_only = 1;
    for (size_t k = 0; k < index.size(); ++k) {
      full = std::min(full * bounds[k].size(), kFullProduct + 1);
      regions_only = std::min(regions_only * regions[k].size(), kMaxRegionsPerSyscall + 1);
    }
    std::vector<const std::vector<uint64_t>*> slots;
    if (full <= kFullProduct) {
      for (auto& b : bounds) slots.push_back(&b);
      each_combination(index, slots, check);
      return;
    }
    if (regions_only > kMaxRegionsPerSyscall) {
      fail<ProfileError>("{}: {} (nr {}): the rules cut the arguments into more than {} regions; too many to "
                         "verify the compiled filter, refused (split the rules or simplify the conditions)",
                         arch_.name, name_of(nr), nr, kMaxRegionsPerSyscall);
    }
    // Every region combination, and each argument's boundaries against every
    // region combination of the others.
    for (size_t k = 0; k < index.size(); ++k) {
      slots.clear();
      for (size_t j = 0; j < index.size(); ++j) slots.push_back(j == k ? &bounds[j] : &regions[j]);
      each_combination(index, slots, check);
    }
  }

  std::string name_of(int nr) const { return syscall_name(arch_, nr).value_or("unknown syscall"); }

  [[noreturn]] void mismatch(int nr, const Args& args, uint32_t got, const std::string& want,
                             const std::string& by) const {
    fail<VerificationFailed>(
        "verification failed on {}: {} (nr {}) with args {}: the compiled filter answers {}, the policy says {} "
        "({}); libseccomp {} compiled these rules into a filter that decides otherwise, so it is not handed out",
        arch_.name, name_of(nr), nr, args_text(args), describe_ret(got), want, by, libseccomp_version());
  }

  const Policy& policy_;
  const ArchInfo& arch_;
  std::vector<BpfInsn> program_;
  uint32_t default_ret_;
};

}  // namespace

VerifyReport verify_compiled(const Policy& policy, const CompiledPolicy& compiled, const CompileOptions&) {
  VerifyReport report;
  for (const auto& program : compiled.programs) {
    const ArchInfo arch = arch_info(program.arch);
    Verifier(policy, arch, program).run(report.inputs);
  }
  return report;
}

}  // namespace nri_seccomp::seccomp
