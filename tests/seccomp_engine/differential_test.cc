// Differential test of what the plugin hands out, independent of the merge
// code: random profile pairs (conditions on args 0-2, every operator, 64-bit
// values, every action) are merged and compiled the way the daemon does
// (verification, then equivalent shapes, shapes.h); every result that is not refused is
// evaluated on representatives of every region the INPUTS' conditions define
// and compared with the stricter of the two inputs' verdicts, computed here
// straight from the inputs' rules (runc's reading, libseccomp's "first
// unconditional rule wins"), not from merge_combine.
//
// Default: >= 100,000 compared inputs. NRI_SECCOMP_DIFFERENTIAL_INPUTS=N asks
// for at least N (the long run reported in docs/policy.md used 1,000,000).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <set>

#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/merge.h"
#include "seccomp/shapes.h"
#include "seccomp/writer.h"
#include "support.h"

namespace nri_seccomp::seccomp {
namespace {

using testing::Args;
using testing::Filter;

constexpr uint64_t kMax = ~uint64_t{0};

// ---- the reference: a policy's verdict for one call, from its rules ----

struct Ref {
  Action action;
  uint32_t data;
  friend bool operator==(const Ref&, const Ref&) = default;
};

uint32_t data_of(Action a, const std::optional<uint32_t>& e) {
  return a == Action::errno_ret || a == Action::trace ? e.value_or(1) : 0;
}

bool cond_holds(const Arg& c, uint64_t x) {
  switch (c.op) {
    case Op::ne: return x != c.value;
    case Op::lt: return x < c.value;
    case Op::le: return x <= c.value;
    case Op::eq: return x == c.value;
    case Op::ge: return x >= c.value;
    case Op::gt: return x > c.value;
    case Op::masked_eq: return (x & c.value) == c.value_two;
  }
  return false;
}

// runc: conditions on an index used once are ANDed; each condition on an
// index used more than once is an alternative of its own.
std::vector<std::vector<Arg>> alternatives(const Rule& r) {
  int count[6] = {};
  for (const auto& a : r.args) ++count[a.index];
  std::vector<std::vector<Arg>> out;
  std::vector<Arg> joint;
  for (const auto& a : r.args) {
    if (count[a.index] > 1) out.push_back({a});
    else joint.push_back(a);
  }
  if (!joint.empty() || out.empty()) out.push_back(joint);
  return out;
}

// nullopt: rules of different verdicts match (the policy does not say one).
std::optional<Ref> reference(const Policy& p, const std::string& name, const Args& args) {
  const Ref def{p.default_action, data_of(p.default_action, p.default_errno)};
  std::vector<const Rule*> rules;
  for (const auto& r : p.syscalls) {
    const Ref v{r.action, data_of(r.action, r.errno_ret)};
    if (v == def) continue;  // runc skips rules equal to the default
    if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) rules.push_back(&r);
  }
  for (const Rule* r : rules) {
    for (const auto& alt : alternatives(*r)) {
      if (alt.empty()) return Ref{r->action, data_of(r->action, r->errno_ret)};
    }
  }
  std::optional<Ref> found;
  for (const Rule* r : rules) {
    for (const auto& alt : alternatives(*r)) {
      if (!std::all_of(alt.begin(), alt.end(), [&](const Arg& a) { return cond_holds(a, args[a.index]); })) continue;
      const Ref v{r->action, data_of(r->action, r->errno_ret)};
      if (found && *found != v) return std::nullopt;
      found = v;
    }
  }
  return found.value_or(def);
}

// The kernel's precedence; the first input wins ties.
Ref stricter_of(const Ref& a, const Ref& b) { return b.action < a.action ? b : a; }

uint32_t ret_of(const Ref& r) { return ret_value(r.action, r.data); }

// ---- random inputs ----

struct Gen {
  std::mt19937_64 rng;
  bool wide = true;
  std::vector<std::string> pool;

  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[rng() % v.size()]; }

  Action action() {
    static const std::vector<Action> all = {Action::kill_process, Action::kill_thread, Action::trap,
                                            Action::errno_ret,    Action::trace,       Action::log,
                                            Action::allow};
    return pick(all);
  }
  uint64_t value() {
    static const std::vector<uint64_t> interesting = {0, 1, 2, 5, 0xff, 0x7fffffff, 0xffffffff, 0x80000000,
                                                      131072, 0x100000000ULL, 0x100000005ULL,
                                                      0x8000000000000000ULL, kMax};
    uint64_t v = rng() % 3 == 0 ? rng() : pick(interesting);
    if (rng() % 4 == 0) v = rng() % 64;
    return wide ? v : v & 0xffffffffULL;
  }
  Arg condition() {
    static const std::vector<Op> ops = {Op::eq, Op::ne, Op::lt, Op::le, Op::ge, Op::gt, Op::masked_eq};
    Arg a;
    a.index = static_cast<uint32_t>(rng() % 3);
    a.op = pick(ops);
    a.value = value();
    if (a.op == Op::masked_eq) a.value_two = a.value & (rng() % 2 ? rng() : value());
    return a;
  }
  Policy policy(const std::vector<std::string>& arches) {
    Policy p;
    p.architectures = arches;
    p.default_action = action();
    if (p.default_action == Action::errno_ret && rng() % 2) p.default_errno = 38;
    const int rules = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < rules; ++i) {
      Rule r;
      r.names.push_back(pick(pool));
      if (rng() % 4 == 0) r.names.push_back(pick(pool));
      r.action = action();
      if ((r.action == Action::errno_ret || r.action == Action::trace) && rng() % 2) r.errno_ret = 1 + rng() % 40;
      const int conds = static_cast<int>(rng() % 4);  // 0..3; some share an index (runc: OR)
      for (int c = 0; c < conds; ++c) r.args.push_back(condition());
      p.syscalls.push_back(std::move(r));
    }
    return p;
  }
};

// One value in every region the conditions on one argument define, written
// here without the engine's helpers: boundaries and masks' patterns.
std::vector<uint64_t> representatives(const std::vector<Arg>& conds, bool wide) {
  std::set<uint64_t> v{0, kMax};
  for (const auto& c : conds) {
    if (c.op == Op::masked_eq) {
      v.insert(c.value_two);
      v.insert(c.value_two | ~c.value);
      for (uint64_t bit = 1; bit != 0; bit <<= 1) {
        if (c.value & bit) {
          v.insert(c.value_two ^ bit);
          break;
        }
      }
    } else {
      v.insert(c.value - 1);
      v.insert(c.value);
      v.insert(c.value + 1);
    }
  }
  std::set<uint64_t> out;
  for (uint64_t x : v) {
    out.insert(wide ? x : x & 0xffffffffULL);
    if (wide) out.insert(x & 0xffffffffULL);
  }
  return {out.begin(), out.end()};
}

struct Tally {
  size_t pairs = 0, handed_out = 0, reshaped = 0, merge_refused = 0, check_refused = 0, verify_refused = 0, inputs = 0,
         mismatches = 0,
         ambiguous_points = 0;
};

void run_pair(const Policy& a, const Policy& b, const std::vector<std::string>& arches, const Gen& gen,
              Tally& t) {
  ++t.pairs;
  Policy merged;
  try {
    const std::vector<Policy> overlays{b};
    merged = merge(&a, overlays);
  } catch (const ProfileError&) {
    ++t.merge_refused;  // ambiguous inputs, unrepresentable results: refused, not handed out
    return;
  }
  // Debug aid: NRI_SECCOMP_DIFFERENTIAL_DUMP=FILE keeps the pair being compiled.
  if (const char* dump = std::getenv("NRI_SECCOMP_DIFFERENTIAL_DUMP")) {
    FILE* out = std::fopen(dump, "w");
    std::fprintf(out, "%s\n%s\n", to_oci_json(a).c_str(), to_oci_json(b).c_str());
    for (const auto& shape : equivalent_shapes(merged)) {
      std::fprintf(out, "%s: %s\n", shape.name.c_str(), to_oci_json(shape.policy).c_str());
    }
    std::fclose(out);
  }
  // What `profile merge` hands out: the merge as written, or an equivalent
  // shape libseccomp compiles right, or nothing.
  std::optional<Filter> f;
  try {
    auto shape = compile_verified_shape(merged, Filter::ignore_unknown());
    if (shape.shape != "as written") ++t.reshaped;
    f.emplace(std::move(shape.compiled));
  } catch (const ProfileError& e) {
    // libseccomp refused, or every shape failed the verification: not handed out
    ++t.check_refused;
    if (std::string_view(e.what()).find("verification failed") != std::string_view::npos) {
      if (++t.verify_refused <= 2 && std::getenv("NRI_SECCOMP_DIFFERENTIAL_DUMP")) {
        std::cout << e.what() << "\n" << to_oci_json(merged) << "\n";
      }
    }
    return;
  }
  ++t.handed_out;
  std::vector<std::string> names = gen.pool;
  names.push_back("getpid");  // named by neither input
  for (const auto& arch : arches) {
    const bool wide = !arch_info(arch).is_32bit;
    for (const auto& name : names) {
      if (!syscall_number(arch_info(arch), name)) continue;
      std::vector<Arg> by_index[3];
      for (const Policy* p : {&a, &b}) {
        for (const auto& r : p->syscalls) {
          if (std::find(r.names.begin(), r.names.end(), name) == r.names.end()) continue;
          for (const auto& c : r.args) by_index[c.index].push_back(c);
        }
      }
      const auto r0 = representatives(by_index[0], wide), r1 = representatives(by_index[1], wide),
                 r2 = representatives(by_index[2], wide);
      for (uint64_t x0 : r0) {
        for (uint64_t x1 : r1) {
          for (uint64_t x2 : r2) {
            const Args args{x0, x1, x2, 0, 0, 0};
            const auto va = reference(a, name, args), vb = reference(b, name, args);
            if (!va || !vb) {
              ++t.ambiguous_points;  // the merge refuses such inputs; cannot happen after a merge
              continue;
            }
            ++t.inputs;
            const uint32_t want = ret_of(stricter_of(*va, *vb));
            const uint32_t got = f->answer(arch, name, args);
            if (got == want) continue;
            if (++t.mismatches <= 3) {
              ADD_FAILURE() << arch << " " << name << " args " << std::hex << x0 << "," << x1 << "," << x2
                            << ": handed-out filter answers " << describe_ret(got) << ", inputs say "
                            << describe_ret(want) << "\nA: " << to_oci_json(a) << "\nB: " << to_oci_json(b)
                            << "\nmerged: " << to_oci_json(merged);
            }
          }
        }
      }
    }
  }
}

size_t wanted_inputs() {
  if (const char* env = std::getenv("NRI_SECCOMP_DIFFERENTIAL_INPUTS")) return std::strtoull(env, nullptr, 10);
  return 100000;
}

TEST(Differential, HandedOutFiltersDecideTheStricterOfTheInputs) {
  const size_t goal = wanted_inputs();
  Gen wide{std::mt19937_64(12), true, {"setsockopt", "ioctl", "personality", "mkdir", "read", "kill"}};
  // 32-bit pairs leave socket-family calls out: on x86 libseccomp routes them
  // through socketcall and refuses conditional rules of two actions (EEXIST).
  Gen narrow{std::mt19937_64(34), false, {"ioctl", "personality", "mkdir", "read", "kill"}};
  const std::vector<std::string> native{"SCMP_ARCH_X86_64"};
  const std::vector<std::string> with_x86{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  Tally t;
  size_t next_report = 100000;
  while (t.inputs < goal) {
    if (goal > 100000 && t.inputs >= next_report) {  // long runs: progress, in case libseccomp hangs
      std::cout << "differential: " << t.inputs << " inputs, " << t.mismatches << " mismatches so far" << std::endl;
      next_report += 100000;
    }
    if (t.pairs % 4 == 3) {
      run_pair(narrow.policy(with_x86), narrow.policy(with_x86), with_x86, narrow, t);
    } else {
      run_pair(wide.policy(native), wide.policy(native), native, wide, t);
    }
  }
  std::cout << "differential: " << t.pairs << " pairs, " << t.handed_out << " handed out (" << t.reshaped
            << " in an equivalent shape), " << t.merge_refused
             << " refused by the merge, " << t.check_refused << " refused by the check (" << t.verify_refused
            << " of them by the verification); " << t.inputs
            << " inputs compared, " << t.mismatches << " mismatches\n";
  EXPECT_EQ(t.mismatches, 0U);
  EXPECT_GE(t.inputs, goal);
  // Refusing everything would pass trivially: most pairs must be handed out.
  EXPECT_GT(t.handed_out * 2, t.pairs) << t.merge_refused << " merge refusals, " << t.check_refused
                                       << " check refusals";
}

}  // namespace
}  // namespace nri_seccomp::seccomp
