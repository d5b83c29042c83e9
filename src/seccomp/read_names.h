// Name tables the readers validate against: Linux errno names, libseccomp
// architecture names (and the Go/moby short names used in moby profiles'
// includes/excludes), seccomp filter flags, and the shape of a syscall name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nri_seccomp::seccomp::detail {

std::optional<uint32_t> errno_by_name(std::string_view name);  // "ENOSYS" -> 38

bool known_architecture(std::string_view scmp_name);  // "SCMP_ARCH_X86_64"
std::string architecture_list();                        // for "accepted: ..." messages

// Moby/Go short arch name ("amd64", "x86", "arm64", ...) -> SCMP name; also
// accepts SCMP names themselves.
std::optional<std::string_view> architecture_from_short(std::string_view name);

bool known_flag(std::string_view flag);  // "SECCOMP_FILTER_FLAG_LOG"
std::string flag_list();

// Syscall names are identifiers ([A-Za-z0-9_], at most 64 characters). Whether
// the kernel knows them is the compiler's question, not the reader's.
bool plausible_syscall_name(std::string_view name);

}  // namespace nri_seccomp::seccomp::detail
