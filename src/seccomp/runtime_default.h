// Our built-in equivalent of containerd's RuntimeDefault seccomp profile. The
// data lives in config/runtime-default.json (moby-style: caps/arch/kernel
// conditions) and is embedded into the library at build time, so the daemon
// needs no installed file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "seccomp/model.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp {

// containerd's default capability set for a non-privileged container.
const std::vector<std::string>& default_container_caps();

// x86_64 (the ResolveContext default), default_container_caps(), kernel unknown.
ResolveContext default_container_context();

// The embedded moby-style JSON text, as built into the library.
std::string_view runtime_default_source();

// The default profile resolved for `context`. Never throws for the built-in
// data (it is tested); throws ProfileError only for an unknown context arch.
Policy runtime_default(const ResolveContext& context = default_container_context());

}  // namespace nri_seccomp::seccomp
