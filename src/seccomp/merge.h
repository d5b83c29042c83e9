// Stricter-wins merging of seccomp policies (see merge_combine.h for how a
// policy's meaning is read and written back).
//
// merge(base, overlays): for every architecture, syscall and argument values
// the result's action is the strictest of the inputs' actions (kernel
// precedence KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > TRACE > LOG > ALLOW),
// and never stricter than that.
//  - base == nullptr: no filter (everything allowed): the result is the
//    overlays' merge alone.
//  - ties between two ERRNO (or TRACE) verdicts with different numbers: the
//    earliest input wins (base, then overlays in order).
//  - architectures: an input that lists architectures kills syscalls of every
//    other architecture (libseccomp's bad-arch action), so the result lists
//    the intersection of the non-empty lists (order of the first input). An
//    empty list means "not specified" and constrains nothing; if the lists
//    have nothing in common the merge is refused.
//  - flags: union, except SECCOMP_FILTER_FLAG_SPEC_ALLOW, which weakens the
//    process and is kept only if every input has it.
//  - SCMP_ACT_NOTIFY / listenerPath are refused.
//  - bounded ranges and holes on one argument (which OCI cannot say with one
//    condition per index) are written as aligned SCMP_CMP_MASKED_EQ blocks;
//    where the exact result would need more than region::kMaxCubes condition
//    sets for one syscall, or would hit a rule pattern libseccomp never
//    finishes compiling (check_libseccomp_hazards, libseccomp_hazards.h), ProfileError: never a
//    weaker approximation.
//  - inputs whose conditional rules of different actions overlap are refused
//    (libseccomp would resolve them by tree order); the first unconditional
//    rule of a syscall decides it, as in libseccomp.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

Policy merge(const Policy* base, std::span<const Policy> overlays);

// Same, with names for the inputs used in error messages
// (sources[0] names the base if there is one).
Policy merge(const Policy* base, std::span<const Policy> overlays,
             const std::vector<std::string>& sources);

}  // namespace nri_seccomp::seccomp
