// The machinery behind merge, complain and preserve_default_errno: read each
// input policy per syscall as the function args -> verdict that runc +
// libseccomp 2.5.4 compile it to, combine the inputs pointwise with a given
// function, and write the result back as rules whose compiled meaning is
// exactly that combination.
//
// How libseccomp resolves rules for one syscall (found by compiling test
// policies and reading the BPF; see tests/seccomp_engine): the first
// unconditional rule wins and every other rule for that syscall is dropped;
// overlapping conditional rules with different actions are resolved by the
// order of libseccomp's decision tree (argument index, operator), not by
// strictness or by the order in the profile. So:
//  - inputs: an unconditional rule decides its syscall; conditional rules of
//    different actions that overlap are refused as ambiguous;
//  - output: rules of different actions for one syscall never overlap, so the
//    tree order cannot matter; rules of the same action may (a union).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "seccomp/merge_region.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

// An action with its errno / trace message (0 for other actions).
struct Verdict {
  Action action = Action::allow;
  uint32_t data = 0;
  friend bool operator==(const Verdict&, const Verdict&) = default;
  friend auto operator<=>(const Verdict&, const Verdict&) = default;
};

Verdict default_verdict(const Policy& policy);
Verdict rule_verdict(const Rule& rule);

// What one policy does with one syscall: disjoint regions (the union is all
// argument values), each with its verdict.
struct SyscallMeaning {
  struct Piece {
    region::Region region;
    Verdict verdict;
    // Where no rule applies is kept as "the complement of these cubes" and
    // only written out as cubes when a result needs it (often it is not:
    // it usually meets the result's default action).
    std::optional<region::Region> complement_of;
    const region::Region& materialize();
  };
  std::vector<Piece> pieces;
};

// Throws ProfileError (naming `source`, the syscall and the rules) for
// ambiguous overlapping rules or unrepresentable results.
SyscallMeaning syscall_meaning(const Policy& policy, std::string_view syscall,
                               std::string_view source);

using Combiner = std::function<Verdict(std::span<const Verdict>)>;

struct CombineOptions {
  std::vector<std::string> sources;        // names of the inputs for messages
  std::vector<std::string> extra_names;    // syscalls to describe even if no input names them
  std::optional<Verdict> result_default;   // else combiner(input defaults)
  // Where a cell cannot be written exactly but has the result default's
  // action (only its errno differs), leave it to the default instead of
  // failing. Used by preserve_default_errno, never by merge.
  bool fallback_to_default_errno = false;
};

// The architectures and flags are combined by the caller afterwards; the
// result has the inputs' combined rules and default. Rules are compacted
// (syscalls with identical verdict and conditions share one rule) and sorted,
// so equal inputs give equal bytes.
Policy combine(std::span<const Policy* const> inputs, const Combiner& combiner,
               const CombineOptions& options);

}  // namespace nri_seccomp::seccomp
