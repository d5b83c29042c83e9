// Warnings for rules that say something other than what libseccomp 2.5.4 and
// runc will do with them (`profile check` prints them). None of these make a
// profile invalid; each names the rules, syscalls[i], and what happens.
#pragma once

#include <string>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

// - an unconditional rule next to conditional rules of the same syscall:
//   libseccomp keeps the unconditional one whatever its action, in either
//   order, and drops the others;
// - a condition repeated within a rule;
// - two conditions on one argument in a rule: runc adds them as separate
//   rules (OR), and where their AND could never hold the rule contradicts
//   itself;
// - a condition that never holds (the rule never applies);
// - two rules of one syscall with the same conditions (duplicate, or
//   contradictory when their actions differ), or with overlapping conditions
//   and different actions (libseccomp's tree order picks one).
std::vector<std::string> lint(const Policy& policy);

}  // namespace nri_seccomp::seccomp
