// The table of known-bad libseccomp patterns (see libseccomp_hazards.h).
//
// Where the facts come from, per row:
//  - The three "never finishes compiling" rows were found by experiment on
//    libseccomp 2.5.4 (seccomp_rule_add loops forever; tests/seccomp_engine/
//    compile_test.cc keeps one policy per row). They are listed for 2.5.0 to
//    2.6.0 because the rule-tree code they run through (_db_tree_add and
//    _db_rule_gen_64 in src/db.c) is the same in all those releases (read in
//    libseccomp's git history, tags v2.5.0..v2.6.0); 2.6.1 changed
//    _db_tree_add and has not been tried.
//  - The 64-bit LT/LE row: libseccomp's CHANGELOG for 2.6.1 ("Fix incorrect
//    64-bit comparison merge that can weaken libseccomp filters",
//    GHSA-4q85-33p6-j5g6) and its fix (commit 5404f5c, _db_tree_add: when two
//    rules' high-word nodes are equal and their false actions differ, the
//    true action was overwritten instead of the false one). The code came
//    with 64-bit comparisons in 2.4.0 (commit c5bf78d). On this machine's
//    2.5.4 the effect is measured in tests/seccomp_engine/
//    libseccomp_hazards_test.cc: the rule added first decides, where 2.6.1
//    lets the tighter bound decide.
#include "seccomp/libseccomp_hazards.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <seccomp.h>

#include "seccomp/compile.h"
#include "seccomp/merge_combine.h"

namespace nri_seccomp::seccomp {
namespace {

// One runc condition set of one rule, for one syscall name.
struct ConditionSet {
  size_t rule = 0;  // index in policy.syscalls
  Verdict verdict;
  std::vector<Arg> args;  // sorted by argument index (libseccomp's order)
};

// A description of where the pattern is ("both have ... on args[1], then
// ..."), or nullopt. Called for every ordered pair of condition sets of one
// syscall.
using Detector = std::optional<std::string> (*)(const ConditionSet& a, const ConditionSet& b);

struct Hazard {
  LibseccompVersion first, last;  // inclusive
  std::string_view pattern;       // a short name for the message
  std::string_view effect;        // what that libseccomp does with it
  Detector detect;
};

bool is_range(Op op) { return op == Op::lt || op == Op::le || op == Op::ge || op == Op::gt; }
bool is_exact(Op op) { return op == Op::eq || op == Op::masked_eq; }
bool is_below(Op op) { return op == Op::lt || op == Op::le; }
// The high 32 bits an EQ / MASKED_EQ condition expects, or a range compares with.
uint64_t high_half(const Arg& a) { return (a.op == Op::masked_eq ? a.value_two : a.value) >> 32; }
bool has(const std::vector<Arg>& args, const Arg& a) { return std::find(args.begin(), args.end(), a) != args.end(); }
bool tests_index(const std::vector<Arg>& args, unsigned index) {
  return std::any_of(args.begin(), args.end(), [&](const Arg& c) { return c.index == index; });
}

// A shared NE/LT/LE/GE/GT condition, then EQ/MASKED_EQ on both sides (or
// LT/LE/GE/GT on both) on one later argument with different high 32 bits:
// a1 > 14 && a2 == 1 next to a1 > 14 && a2 == 0x100000000.
std::optional<std::string> shared_then_other_high_halves(const ConditionSet& x, const ConditionSet& y) {
  for (const auto& shared : x.args) {
    if (is_exact(shared.op) || !has(y.args, shared)) continue;
    for (const auto& ea : x.args) {
      if (ea.index == shared.index || ea.op == Op::ne) continue;
      for (const auto& eb : y.args) {
        if (eb.index != ea.index || eb.op == Op::ne || is_exact(eb.op) != is_exact(ea.op) || high_half(ea) == high_half(eb)) continue;
        return fmt::format("both have {} on args[{}], then {} and {} on args[{}] with different high 32 bits", op_name(shared.op),
                           shared.index, op_name(ea.op), op_name(eb.op), ea.index);
      }
    }
  }
  return std::nullopt;
}

// A shared condition, then each set tests an argument the other does not
// (a0 > 1 && a1 > 60 next to a0 > 1 && a2 < 1). It spins in one order of
// adding; refused in either.
std::optional<std::string> shared_then_disjoint_arguments(const ConditionSet& x, const ConditionSet& y) {
  for (const auto& shared : x.args) {
    if (is_exact(shared.op) || !has(y.args, shared)) continue;
    for (const auto& oa : x.args) {
      if (oa.index == shared.index || tests_index(y.args, oa.index)) continue;
      const auto ob = std::find_if(y.args.begin(), y.args.end(),
                                   [&](const Arg& c) { return c.index != shared.index && !tests_index(x.args, c.index); });
      if (ob == y.args.end()) continue;
      return fmt::format("both have {} on args[{}], then conditions on different arguments (args[{}], args[{}])", op_name(shared.op),
                         shared.index, oa.index, ob->index);
    }
  }
  return std::nullopt;
}

// A shared condition, then a range on one side and EQ/MASKED_EQ on the other
// on the same later argument (a0 <= 2 && a1 < 5 next to a0 <= 2 && a1 & 0xff00 == 0xa100).
std::optional<std::string> shared_then_range_and_exact(const ConditionSet& x, const ConditionSet& y) {
  for (const auto& shared : x.args) {
    if (is_exact(shared.op) || !has(y.args, shared)) continue;
    for (const auto& ra : x.args) {
      if (!is_range(ra.op) || ra.index == shared.index) continue;
      for (const auto& eb : y.args) {
        if (eb.index != ra.index || !is_exact(eb.op)) continue;
        return fmt::format("both have {} on args[{}], then {} and {} on args[{}]", op_name(shared.op), shared.index, op_name(ra.op),
                           op_name(eb.op), ra.index);
      }
    }
  }
  return std::nullopt;
}

// Two sets of different verdicts, equal up to their last condition, which is
// LT/LE on the same argument with the same high 32 bits and different values
// (a0 < 0x100000010 ERRNO next to a0 < 0x100000002 KILL): their high-word
// nodes merge, and below both bounds the rule added first decides.
std::optional<std::string> below_bounds_sharing_high_half(const ConditionSet& x, const ConditionSet& y) {
  if (x.verdict == y.verdict || x.args.empty() || x.args.size() != y.args.size()) return std::nullopt;
  const Arg& lx = x.args.back();
  const Arg& ly = y.args.back();
  if (!is_below(lx.op) || !is_below(ly.op) || lx.index != ly.index || high_half(lx) != high_half(ly) || lx.value == ly.value) {
    return std::nullopt;
  }
  if (!std::equal(x.args.begin(), x.args.end() - 1, y.args.begin())) return std::nullopt;
  // Each unordered pair once: the set with the larger bound first.
  if (lx.value < ly.value) return std::nullopt;
  return fmt::format("{} 0x{:x} and {} 0x{:x} on args[{}] (same high 32 bits) with different actions", op_name(lx.op), lx.value,
                     op_name(ly.op), ly.value, lx.index);
}

constexpr std::string_view kNeverFinishes = "never finishes compiling this combination";

const Hazard kHazards[] = {
    {{2, 5, 0}, {2, 6, 0}, "shared condition, then exact values or ranges with different high halves", kNeverFinishes,
     shared_then_other_high_halves},
    {{2, 5, 0}, {2, 6, 0}, "shared condition, then conditions on different arguments", kNeverFinishes, shared_then_disjoint_arguments},
    {{2, 5, 0}, {2, 6, 0}, "shared condition, then a range and an exact value", kNeverFinishes, shared_then_range_and_exact},
    {{2, 4, 0}, {2, 6, 0}, "64-bit LT/LE bounds sharing their high half (GHSA-4q85-33p6-j5g6, fixed in 2.6.1)",
     "lets the rule added first decide below both bounds, so the filter depends on rule order and libseccomp version",
     below_bounds_sharing_high_half},
};

}  // namespace

std::string LibseccompVersion::text() const { return fmt::format("{}.{}.{}", major, minor, micro); }

std::optional<LibseccompVersion> parse_libseccomp_version(std::string_view text) {
  unsigned parts[3];
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;  // from_chars would accept nothing else, but be explicit
    auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc() || next - p > 3) return std::nullopt;
    p = next;
  }
  if (p != end) return std::nullopt;
  return LibseccompVersion{parts[0], parts[1], parts[2]};
}

LibseccompVersion own_libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return {v->major, v->minor, v->micro};
}

void check_libseccomp_hazards(const Policy& policy, const LibseccompVersion& version) {
  std::vector<const Hazard*> applicable;
  for (const auto& h : kHazards) {
    if (h.first <= version && version <= h.last) applicable.push_back(&h);
  }
  if (applicable.empty()) return;
  std::map<std::string_view, std::vector<ConditionSet>> by_name;  // ordered: the same policy always names the same pair
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& rule = policy.syscalls[i];
    if (rule_matches_default(policy, rule)) continue;  // runc never adds it
    for (auto& set : runc_condition_sets(rule)) {
      if (set.empty()) continue;  // every pattern needs conditions
      std::stable_sort(set.begin(), set.end(), [](const Arg& a, const Arg& b) { return a.index < b.index; });
      for (const auto& name : rule.names) by_name[name].push_back({i, rule_verdict(rule), set});
    }
  }
  for (const Hazard* h : applicable) {
    for (const auto& [name, sets] : by_name) {
      for (size_t x = 0; x < sets.size(); ++x) {
        for (size_t y = 0; y < sets.size(); ++y) {
          if (x == y) continue;
          auto where = h->detect(sets[x], sets[y]);
          if (!where) continue;
          const size_t first = std::min(sets[x].rule, sets[y].rule), second = std::max(sets[x].rule, sets[y].rule);
          fail<LibseccompHazard>("syscalls[{}] and syscalls[{}] ({}): {}; libseccomp {} {} (known-bad pattern of libseccomp {} to {}: {}); refused",
                                 first, second, name, *where, version.text(), h->effect, h->first.text(), h->last.text(), h->pattern);
        }
      }
    }
  }
}

void check_libseccomp_hazards(const Policy& policy) { check_libseccomp_hazards(policy, own_libseccomp_version()); }

}  // namespace nri_seccomp::seccomp
