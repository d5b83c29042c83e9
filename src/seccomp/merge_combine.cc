// combine(): per-syscall pointwise combination of policies (see merge_combine.h).
#include "seccomp/merge_combine.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "common/error.h"
#include "seccomp/compile.h"

namespace nri_seccomp::seccomp {
namespace {

using region::Cube;
using region::Region;

std::string describe(const Verdict& v) {
  if (v.action == Action::errno_ret || v.action == Action::trace) {
    return fmt::format("{}({})", action_name(v.action), v.data);
  }
  return std::string(action_name(v.action));
}

using RuleIndex = std::unordered_map<std::string_view, std::vector<size_t>>;

RuleIndex index_rules(const Policy& policy) {
  RuleIndex index;
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    for (const auto& name : policy.syscalls[i].names) index[name].push_back(i);
  }
  return index;
}

const std::vector<size_t> kNoRules;

SyscallMeaning meaning_of(const Policy& policy, const std::vector<size_t>& rules,
                          std::string_view syscall, std::string_view source) {
  const Verdict fallback = default_verdict(policy);
  // libseccomp: the first unconditional rule for a syscall replaces all others.
  for (size_t i : rules) {
    const Rule& rule = policy.syscalls[i];
    if (rule_matches_default(policy, rule)) continue;
    for (const auto& set : runc_condition_sets(rule)) {
      if (set.empty()) return {{{Region{Cube{}}, rule_verdict(rule)}}};
    }
  }
  struct Tagged {
    Cube cube;
    Verdict verdict;
    size_t rule;
  };
  std::vector<Tagged> cubes;
  try {
    for (size_t i : rules) {
      const Rule& rule = policy.syscalls[i];
      if (rule_matches_default(policy, rule)) continue;
      for (const auto& set : runc_condition_sets(rule)) {
        if (auto cube = region::make_cube(set)) cubes.push_back({*cube, rule_verdict(rule), i});
      }
    }
  } catch (const region::NotRepresentable& e) {
    fail<ProfileError>("{}: syscall \"{}\": {}", source, syscall, e.what());
  }
  for (size_t a = 0; a < cubes.size(); ++a) {
    for (size_t b = a + 1; b < cubes.size(); ++b) {
      if (cubes[a].verdict != cubes[b].verdict && region::overlap(cubes[a].cube, cubes[b].cube)) {
        fail<ProfileError>(
            "{}: syscall \"{}\": syscalls[{}] ({}) and syscalls[{}] ({}) match overlapping argument "
            "values with different actions; libseccomp would pick one by its internal tree order, "
            "so the profile's meaning is ambiguous (make the conditions disjoint)",
            source, syscall, cubes[a].rule, describe(cubes[a].verdict), cubes[b].rule,
            describe(cubes[b].verdict));
      }
    }
  }
  std::map<Verdict, Region> by_verdict;
  Region all;
  for (const auto& t : cubes) {
    by_verdict[t.verdict].push_back(t.cube);
    all.push_back(t.cube);
  }
  SyscallMeaning meaning;
  for (auto& [verdict, reg] : by_verdict) meaning.pieces.push_back({region::simplify(reg), verdict, std::nullopt});
  meaning.pieces.push_back({{}, fallback, std::move(all)});
  return meaning;
}

// The verdict when the syscall's rules (as libseccomp reads them) do not
// depend on arguments, without building regions: the hot path of a merge.
std::optional<Verdict> unconditional_verdict(const Policy& policy, const std::vector<size_t>& rules,
                                             const Verdict& fallback) {
  bool conditional = false;
  for (size_t i : rules) {
    const Rule& rule = policy.syscalls[i];
    if (rule_matches_default(policy, rule)) continue;
    if (rule.args.empty()) return rule_verdict(rule);  // the first unconditional rule wins
    conditional = true;
  }
  if (conditional) return std::nullopt;
  return fallback;
}

bool unconditional(const SyscallMeaning& m) {
  return m.pieces.size() == 1 && !m.pieces[0].complement_of && m.pieces[0].region.size() == 1 &&
         m.pieces[0].region[0].unconditional();
}

using ArgKey = std::tuple<uint32_t, uint8_t, uint64_t, uint64_t>;
using RuleKey = std::tuple<Verdict, std::vector<ArgKey>>;

RuleKey unconditional_key(const Verdict& v) { return {v, {}}; }

RuleKey rule_key(const Verdict& v, const Cube& cube) {
  std::vector<ArgKey> args;
  for (const auto& a : cube.conditions()) {
    args.emplace_back(a.index, static_cast<uint8_t>(a.op), a.value, a.value_two);
  }
  return {v, std::move(args)};
}

// The verdict of every argument value, if there is only one: all cells had
// it, or the one verdict's cells cover everything (the others were empty).
std::optional<Verdict> single_verdict(const std::set<Verdict>& seen, const std::map<Verdict, Region>& by_verdict) {
  if (seen.size() == 1) return *seen.begin();
  if (by_verdict.size() != 1) return std::nullopt;
  try {
    if (region::complement(by_verdict.begin()->second).empty()) return by_verdict.begin()->first;
  } catch (const region::NotRepresentable&) {
    // Too many pieces to tell: keep the cubes, verification still checks them.
  }
  return std::nullopt;
}

}  // namespace

const Region& SyscallMeaning::Piece::materialize() {
  if (complement_of) {
    region = region::complement(*complement_of);
    complement_of.reset();
  }
  return region;
}

Verdict default_verdict(const Policy& policy) {
  return {policy.default_action, action_data(policy.default_action, policy.default_errno)};
}

Verdict rule_verdict(const Rule& rule) { return {rule.action, action_data(rule.action, rule.errno_ret)}; }

SyscallMeaning syscall_meaning(const Policy& policy, std::string_view syscall, std::string_view source) {
  std::vector<size_t> rules;
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const auto& names = policy.syscalls[i].names;
    if (std::find(names.begin(), names.end(), syscall) != names.end()) rules.push_back(i);
  }
  return meaning_of(policy, rules, syscall, source);
}

Policy combine(std::span<const Policy* const> inputs, const Combiner& combiner,
               const CombineOptions& options) {
  auto source = [&](size_t i) {
    return i < options.sources.size() ? options.sources[i] : fmt::format("input {}", i + 1);
  };
  std::vector<RuleIndex> indexes;
  std::vector<Verdict> defaults;
  std::set<std::string_view> names(options.extra_names.begin(), options.extra_names.end());
  for (const Policy* p : inputs) {
    indexes.push_back(index_rules(*p));
    defaults.push_back(default_verdict(*p));
    for (const auto& [name, rules] : indexes.back()) names.insert(name);
  }
  const Verdict result_default = options.result_default.value_or(combiner(defaults));

  std::map<RuleKey, std::set<std::string_view>> emitted;  // names live in the inputs
  std::vector<SyscallMeaning> meanings(inputs.size());
  std::vector<Verdict> verdicts(inputs.size());
  for (std::string_view name : names) {
    bool all_unconditional = true;
    std::vector<const std::vector<size_t>*> rule_lists(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto it = indexes[i].find(name);
      rule_lists[i] = it == indexes[i].end() ? &kNoRules : &it->second;
      if (auto v = unconditional_verdict(*inputs[i], *rule_lists[i], defaults[i])) verdicts[i] = *v;
      else all_unconditional = false;
    }
    if (all_unconditional) {
      const Verdict v = combiner(verdicts);
      if (v != result_default) emitted[unconditional_key(v)].insert(name);
      continue;
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (auto v = unconditional_verdict(*inputs[i], *rule_lists[i], defaults[i])) {
        meanings[i] = {{{Region{Cube{}}, *v, std::nullopt}}};
      } else {
        meanings[i] = meaning_of(*inputs[i], *rule_lists[i], name, source(i));
      }
    }
    // Every combination of one piece per input is a disjoint cell whose
    // verdict is the combination of the pieces' verdicts. Cells that get the
    // result's default need no rules, so their regions are never built.
    std::map<Verdict, Region> by_verdict;
    std::set<Verdict> seen;  // over every cell, built or not
    std::vector<size_t> choice(inputs.size(), 0);
    for (;;) {
      for (size_t i = 0; i < inputs.size(); ++i) verdicts[i] = meanings[i].pieces[choice[i]].verdict;
      const Verdict v = combiner(verdicts);
      seen.insert(v);
      if (v != result_default) {
        try {
          Region cell{Cube{}};
          // Concrete pieces first, so the complements are cut out of a small
          // region instead of being written out on their own.
          for (size_t i = 0; i < inputs.size() && !cell.empty(); ++i) {
            const auto& piece = meanings[i].pieces[choice[i]];
            if (!piece.complement_of) cell = region::intersect(cell, piece.region);
          }
          for (size_t i = 0; i < inputs.size() && !cell.empty(); ++i) {
            const auto& piece = meanings[i].pieces[choice[i]];
            if (piece.complement_of) cell = region::subtract(cell, *piece.complement_of);
          }
          auto& reg = by_verdict[v];
          reg.insert(reg.end(), cell.begin(), cell.end());
          if (reg.size() > region::kMaxCubes) {
            throw region::NotRepresentable(fmt::format("the exact result needs more than {} condition sets", region::kMaxCubes));
          }
        } catch (const region::NotRepresentable& e) {
          if (!(options.fallback_to_default_errno && v.action == result_default.action)) {
            std::string all_sources;
            for (size_t i = 0; i < inputs.size(); ++i) all_sources += (i ? ", " : "") + source(i);
            fail<ProfileError>("syscall \"{}\": the exact combination of {} cannot be written as OCI rules: {}",
                               name, all_sources, e.what());
          }
        }
      }
      size_t i = 0;
      while (i < inputs.size() && ++choice[i] == meanings[i].pieces.size()) choice[i++] = 0;
      if (i == inputs.size()) break;
    }
    // One verdict over the whole argument space is one unconditional rule
    // (or none), never cubes that merely cover it: libseccomp 2.5.4 compiles
    // covering cubes wrong (KILL if a0 != 5, KILL if a0 == 5 && a1 == 131072,
    // KILL if a1 != 131072 answered ALLOW for setsockopt(5, 131072)).
    if (const auto only = single_verdict(seen, by_verdict)) {
      if (*only != result_default) emitted[unconditional_key(*only)].insert(name);
      continue;
    }
    for (auto& [verdict, reg] : by_verdict) {
      reg = region::simplify(std::move(reg));
      for (const auto& cube : reg) emitted[rule_key(verdict, cube)].insert(name);
    }
  }

  Policy out;
  out.default_action = result_default.action;
  if (result_default.action == Action::errno_ret || result_default.action == Action::trace) {
    out.default_errno = result_default.data;
  }
  for (auto& [key, rule_names] : emitted) {
    const auto& [verdict, args] = key;
    Rule rule;
    rule.names.assign(rule_names.begin(), rule_names.end());
    rule.action = verdict.action;
    if (verdict.action == Action::errno_ret || verdict.action == Action::trace) rule.errno_ret = verdict.data;
    for (const auto& [index, op, value, value_two] : args) {
      rule.args.push_back(Arg{index, value, value_two, static_cast<Op>(op)});
    }
    out.syscalls.push_back(std::move(rule));
  }
  return out;
}

}  // namespace nri_seccomp::seccomp
