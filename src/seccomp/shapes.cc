// Equivalent rewrites of a policy and the search for one libseccomp compiles
// right (see shapes.h).
#include "seccomp/shapes.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "seccomp/merge_combine.h"
#include "seccomp/merge_region.h"
#include "seccomp/verify.h"

namespace nri_seccomp::seccomp {
namespace {

// Rules keyed by (verdict, conditions), names grouped, in order of first use.
class RuleSet {
 public:
  void add(const std::string& name, const Verdict& v, const std::vector<Arg>& args) {
    std::string key = fmt::format("{}/{}", static_cast<int>(v.action), v.data);
    for (const auto& a : args) key += fmt::format("/{}:{}:{}:{}", a.index, static_cast<int>(a.op), a.value, a.value_two);
    auto [it, fresh] = index_.emplace(std::move(key), rules_.size());
    if (fresh) {
      Rule r;
      r.action = v.action;
      if (v.action == Action::errno_ret || v.action == Action::trace) r.errno_ret = v.data;
      r.args = args;
      rules_.push_back(std::move(r));
    }
    auto& names = rules_[it->second].names;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::vector<Rule> take() { return std::move(rules_); }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<Rule> rules_;
};

// Each syscall's conditional rules of one verdict made pairwise disjoint.
// nullopt if a piece cannot be written exactly.
std::optional<Policy> disjoint(const Policy& policy) {
  // libseccomp keeps only the first unconditional rule of a syscall.
  std::unordered_map<std::string, bool> has_unconditional;
  for (const auto& r : policy.syscalls) {
    if (rule_matches_default(policy, r)) continue;
    for (const auto& set : runc_condition_sets(r)) {
      if (!set.empty()) continue;
      for (const auto& n : r.names) has_unconditional[n] = true;
    }
  }
  std::map<std::pair<std::string, Verdict>, region::Region> before;
  std::unordered_map<std::string, bool> unconditional_written;
  RuleSet out;
  try {
    for (const auto& r : policy.syscalls) {
      if (rule_matches_default(policy, r)) continue;  // runc skips them; they change nothing
      const Verdict v = rule_verdict(r);
      for (const auto& name : r.names) {
        if (has_unconditional[name]) {
          const auto sets = runc_condition_sets(r);
          const bool unconditional = std::any_of(sets.begin(), sets.end(), [](const auto& s) { return s.empty(); });
          if (unconditional && !unconditional_written[name]) {
            out.add(name, v, {});
            unconditional_written[name] = true;
          }
          continue;
        }
        for (const auto& set : runc_condition_sets(r)) {
          const auto cube = region::make_cube(set);
          if (!cube) continue;  // never holds
          auto& earlier = before[{name, v}];
          for (const auto& piece : region::subtract(region::Region{*cube}, earlier)) {
            out.add(name, v, piece.conditions());
          }
          earlier.push_back(*cube);
        }
      }
    }
  } catch (const region::NotRepresentable&) {
    return std::nullopt;
  }
  Policy p = policy;
  p.syscalls = out.take();
  return p;
}

Policy reversed(Policy p) {
  std::reverse(p.syscalls.begin(), p.syscalls.end());
  return p;
}

std::vector<Shape> alternatives(const Policy& policy) {
  std::vector<Shape> out;
  const auto cut = disjoint(policy);
  if (cut && *cut != policy) out.push_back({"disjoint rules", *cut});
  out.push_back({"reversed order", reversed(policy)});
  if (cut && *cut != policy) out.push_back({"disjoint rules, reversed order", reversed(*cut)});
  return out;
}

}  // namespace

std::vector<Shape> equivalent_shapes(const Policy& policy) {
  std::vector<Shape> out{{"as written", policy}};
  for (auto& s : alternatives(policy)) out.push_back(std::move(s));
  return out;
}

VerifiedShape compile_verified_shape(const Policy& policy, const CompileOptions& options) {
  CompileOptions verified = options;
  verified.verify = true;
  try {
    return {"as written", policy, check_and_compile(policy, verified)};
  } catch (const VerificationFailed& e) {
    return compile_alternative_shape(policy, verified, e.what());
  }
}

VerifiedShape compile_alternative_shape(const Policy& policy, const CompileOptions& options, const std::string& first_failure) {
  CompileOptions verified = options;
  verified.verify = true;
  // Only computed when needed: most policies verify as written.
  std::vector<std::string> tried{"as written"};
  for (auto& shape : alternatives(policy)) {
    try {
      auto compiled = check_and_compile(shape.policy, verified);
      return {shape.name, std::move(shape.policy), std::move(compiled)};
    } catch (const ProfileError&) {
      tried.push_back(shape.name);  // wrong too, or refused outright: try the next
    }
  }
  fail<ProfileError>("libseccomp {} compiles this policy wrong in every equivalent shape tried ({}); refused, "
                     "never handed out. First failure: {}",
                     libseccomp_version(), fmt::join(tried, ", "), first_failure);
}

}  // namespace nri_seccomp::seccomp
