// Our built-in equivalents of the runtimes' RuntimeDefault seccomp profiles:
// containerd's (config/runtime-default.json) and CRI-O's, which is
// containers/common's profile as CRI-O adjusts it (config/runtime-default-crio.json).
// Both are moby-style (caps/arch/kernel conditions) and embedded into the
// library at build time, so the daemon needs no installed file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "seccomp/model.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp {

// Whose RuntimeDefault: the two differ in default errno (EPERM vs ENOSYS),
// in rules and in the capability set containers get by default.
enum class RuntimeDefault { containerd, cri_o };
std::string_view runtime_default_name(RuntimeDefault which);  // "containerd", "cri-o"

// The runtime's default capability set for a non-privileged container.
const std::vector<std::string>& default_container_caps(RuntimeDefault which = RuntimeDefault::containerd);

// x86_64 (the ResolveContext default), default_container_caps(which), kernel unknown.
ResolveContext default_container_context(RuntimeDefault which = RuntimeDefault::containerd);

// The embedded moby-style JSON text, as built into the library.
std::string_view runtime_default_source(RuntimeDefault which = RuntimeDefault::containerd);

// The default profile resolved for `context`. Never throws for the built-in
// data (it is tested); throws ProfileError only for an unknown context arch.
Policy runtime_default(const ResolveContext& context = default_container_context(),
                       RuntimeDefault which = RuntimeDefault::containerd);

}  // namespace nri_seccomp::seccomp
