// Field readers shared by the OCI, moby and SPO formats: the three agree on
// how actions, operators, names, args, architectures and flags are spelled.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "seccomp/model.h"
#include "seccomp/read_node.h"

namespace nri_seccomp::seccomp::detail {

Action read_action(const Node& node);
Op read_op(const Node& node);

// Non-empty list of identifier-shaped names; duplicates dropped (first kept).
std::vector<std::string> read_syscall_names(const Node& node);

// args[]: {index (0..5), value, valueTwo, op}. valueTwo is only meaningful for
// SCMP_CMP_MASKED_EQ; runtimes ignore it otherwise, so it is normalised to 0
// there and equal rules compare equal.
std::vector<Arg> read_args(const Node& node);

std::vector<std::string> read_architectures(const Node& node);
std::vector<std::string> read_flags(const Node& node);

uint32_t read_errno_number(const Node& node);  // unsigned 32-bit integer
// An errno given as a name ("ENOSYS") or, where formats allow it, as a
// decimal string ("38") or a number.
uint32_t read_errno_any(const Node& node);

}  // namespace nri_seccomp::seccomp::detail
