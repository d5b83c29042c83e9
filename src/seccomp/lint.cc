// lint(): see lint.h. Rules are read the way compile.cc adds them to
// libseccomp (runc_condition_sets), so each warning matches what runs.
#include "seccomp/lint.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seccomp/compile.h"
#include "seccomp/merge_combine.h"
#include "seccomp/merge_region.h"

namespace nri_seccomp::seccomp {
namespace {

std::string label(const Policy& p, size_t i) {
  const auto& names = p.syscalls[i].names;
  std::vector<std::string> shown(names.begin(), names.begin() + std::min<size_t>(names.size(), 3));
  if (names.size() > 3) shown.push_back("...");
  return fmt::format("syscalls[{}] ({})", i, fmt::join(shown, ","));
}

std::string verdict_text(const Verdict& v) {
  if (v.action == Action::errno_ret || v.action == Action::trace) return fmt::format("{}({})", action_name(v.action), v.data);
  return std::string(action_name(v.action));
}

void lint_rule(const Policy& p, size_t i, std::vector<std::string>& out) {
  const Rule& r = p.syscalls[i];
  for (size_t j = 0; j < r.args.size(); ++j) {
    const Arg& a = r.args[j];
    if (!region::satisfiable(a)) {
      out.push_back(fmt::format("{}: args[{}] never holds, so the rule never applies", label(p, i), j));
    }
    for (size_t k = 0; k < j; ++k) {
      const Arg& b = r.args[k];
      if (a.index != b.index) continue;
      if (a == b) {
        out.push_back(fmt::format("{}: args[{}] repeats args[{}]", label(p, i), j, k));
      } else if (!region::overlap(a, b)) {
        out.push_back(fmt::format("{}: args[{}] and args[{}] contradict each other on argument {} (never both "
                                  "true); runc adds them as separate rules, so the rule applies when EITHER holds",
                                  label(p, i), k, j, a.index));
      } else {
        out.push_back(fmt::format("{}: args[{}] and args[{}] both test argument {}; runc adds them as separate "
                                  "rules (OR), not AND",
                                  label(p, i), k, j, a.index));
      }
    }
  }
}

struct Set {
  size_t rule;
  Verdict verdict;
  std::vector<Arg> args;
};

void lint_syscall(const Policy& p, const std::string& name, const std::vector<Set>& sets,
                  std::vector<std::string>& out) {
  const auto unconditional = std::find_if(sets.begin(), sets.end(), [](const Set& s) { return s.args.empty(); });
  if (unconditional != sets.end()) {
    std::vector<std::string> shadowed;
    for (const auto& s : sets) {
      if (!s.args.empty()) shadowed.push_back(fmt::format("syscalls[{}]", s.rule));
    }
    std::sort(shadowed.begin(), shadowed.end());
    shadowed.erase(std::unique(shadowed.begin(), shadowed.end()), shadowed.end());
    if (!shadowed.empty()) {
      out.push_back(fmt::format("{} makes {} unconditional ({}): libseccomp {} keeps the unconditional rule whatever "
                                "its action and ignores the conditional rules for {} in {}",
                                label(p, unconditional->rule), name, verdict_text(unconditional->verdict),
                                libseccomp_version(), name, fmt::join(shadowed, ", ")));
    }
    return;
  }
  for (size_t x = 0; x < sets.size(); ++x) {
    for (size_t y = x + 1; y < sets.size(); ++y) {
      const Set& a = sets[x];
      const Set& b = sets[y];
      if (a.rule == b.rule) continue;
      auto sorted = [](std::vector<Arg> v) {
        std::sort(v.begin(), v.end(), [](const Arg& l, const Arg& r) {
          return std::tie(l.index, l.op, l.value, l.value_two) < std::tie(r.index, r.op, r.value, r.value_two);
        });
        return v;
      };
      if (sorted(a.args) == sorted(b.args)) {
        out.push_back(a.verdict == b.verdict
                          ? fmt::format("{} and {} have the same conditions for {} (duplicate)", label(p, a.rule),
                                        label(p, b.rule), name)
                          : fmt::format("{} ({}) and {} ({}) have the same conditions for {} with different actions "
                                        "(contradictory; libseccomp refuses or picks one)",
                                        label(p, a.rule), verdict_text(a.verdict), label(p, b.rule),
                                        verdict_text(b.verdict), name));
        continue;
      }
      if (a.verdict == b.verdict) continue;
      const auto ca = region::make_cube(a.args), cb = region::make_cube(b.args);
      if (ca && cb && region::overlap(*ca, *cb)) {
        out.push_back(fmt::format("{} ({}) and {} ({}) match overlapping arguments of {}; libseccomp's internal "
                                  "tree order decides which applies there (make the conditions disjoint)",
                                  label(p, a.rule), verdict_text(a.verdict), label(p, b.rule),
                                  verdict_text(b.verdict), name));
      }
    }
  }
}

}  // namespace

std::vector<std::string> lint(const Policy& policy) {
  std::vector<std::string> out;
  std::map<std::string, std::vector<Set>> by_name;
  for (size_t i = 0; i < policy.syscalls.size(); ++i) {
    const Rule& r = policy.syscalls[i];
    lint_rule(policy, i, out);
    if (rule_matches_default(policy, r)) continue;  // runc skips it: it shadows nothing
    for (auto& set : runc_condition_sets(r)) {
      for (const auto& name : r.names) by_name[name].push_back({i, rule_verdict(r), set});
    }
  }
  for (const auto& [name, sets] : by_name) {
    try {
      lint_syscall(policy, name, sets, out);
    } catch (const region::NotRepresentable&) {
      // Conditions make_cube cannot read (two on one index in one set cannot
      // happen here): nothing more to say about this syscall.
    }
  }
  return out;
}

}  // namespace nri_seccomp::seccomp
