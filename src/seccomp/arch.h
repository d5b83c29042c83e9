// Architectures as the engine names them (OCI "SCMP_ARCH_X86_64") and as
// libseccomp and the kernel number them (the token equals the AUDIT_ARCH_*
// value the kernel puts into seccomp_data.arch, except x32 which shares
// x86_64's value and marks its syscall numbers with bit 30).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp::seccomp {

struct ArchInfo {
  std::string name;        // "SCMP_ARCH_X86_64"
  uint32_t token = 0;      // libseccomp SCMP_ARCH_* token
  uint32_t audit_arch = 0; // value of seccomp_data.arch on this architecture
  bool is_32bit = false;   // libseccomp compares only the low 32 bits of arguments
                           // (32-bit ABIs, and x32 and mips64n32 too)
  bool big_endian = false; // byte order of seccomp_data on this architecture
};

// Throws ProfileError for names libseccomp 2.5.4 does not know.
ArchInfo arch_info(std::string_view oci_name);
bool is_known_arch(std::string_view oci_name);

// The node's native architecture ("SCMP_ARCH_X86_64" on amd64 nodes).
std::string native_arch();

// `native` plus the architectures whose binaries it also runs (x86_64: x86 and
// x32; aarch64: arm; ...), the set containerd's default profile lists.
std::vector<std::string> with_sub_architectures(std::string_view native);

// The syscall number libseccomp uses for `name` on `arch` when compiling a rule
// (x32 numbers include bit 30; a name only reachable through a multiplexer
// such as socketcall on x86 reports the multiplexer's number). nullopt when the
// name does not exist on that architecture.
std::optional<int> syscall_number(const ArchInfo& arch, std::string_view name);

// The name of syscall `nr` on `arch`, or nullopt (pseudo and unknown numbers).
std::optional<std::string> syscall_name(const ArchInfo& arch, int nr);

// Every syscall name libseccomp knows on any of `arches`, sorted, unique.
std::vector<std::string> known_syscall_names(const std::vector<std::string>& arches);

}  // namespace nri_seccomp::seccomp
