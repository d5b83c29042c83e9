// Equivalent shapes of a policy, for when libseccomp 2.5.4 compiles the one
// given wrong (verify_compiled says so). The same meaning can be written as
// other rule sets; libseccomp's rule-tree merge goes wrong on some shapes and
// not on others (overlapping same-action rules that together cover many
// values are the usual victims), so the check tries a few before refusing.
#pragma once

#include <string>
#include <vector>

#include "seccomp/compile.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

struct Shape {
  std::string name;  // "as written", "disjoint rules", ...
  Policy policy;
};

// The policy itself first, then equivalent rewrites (same verdict for every
// architecture, syscall and argument value, by the engine's reading):
//  - "disjoint rules": each syscall's conditional rules of one action cut so
//    that no two overlap (rule k minus rules 0..k-1);
//  - "reversed order": the rules in the opposite order;
//  - "disjoint rules, reversed order".
// A rewrite that cannot be written exactly (region::kMaxCubes) is left out.
std::vector<Shape> equivalent_shapes(const Policy& policy);

struct VerifiedShape {
  std::string shape;
  Policy policy;  // what to hand out: compiles and verifies
  CompiledPolicy compiled;
};

// check_and_compile (with verification) on each shape in turn; the first that
// verifies wins. Errors other than a failed verification are thrown as they
// are; if every shape fails verification, ProfileError names the shapes tried
// and the first failure, and the combination must be refused.
VerifiedShape compile_verified_shape(const Policy& policy, const CompileOptions& options);

// The same search without "as written", for a caller that already compiled
// the policy as written and got `first_failure` (a VerificationFailed's
// message): the daemon's check of a new combination, whose first compile goes
// through the compile cache.
VerifiedShape compile_alternative_shape(const Policy& policy, const CompileOptions& options, const std::string& first_failure);

}  // namespace nri_seccomp::seccomp
