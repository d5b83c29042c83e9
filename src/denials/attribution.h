// What a seccomp record names, in the operator's words: the container a host
// pid runs in (from its cgroup), and the syscall's name on its architecture.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nri_seccomp::denials {

// The container id in /proc/PID/cgroup text: the last 64-hex-digit name in
// a cgroup path (containerd: .../<id> or cri-containerd-<id>.scope; CRI-O:
// .../crio-<id> or crio-<id>.scope; conmon's crio-conmon-<id> is not a
// container). Empty when no line names one.
std::string container_id_in_cgroups(std::string_view proc_cgroup_text);

// The same for a live host pid. Empty when the process is gone (a short-lived
// process may exit before its record is read: the caller counts those) or is
// not in a container.
std::string container_id_of_pid(uint32_t pid);

// "mkdirat" for (AUDIT_ARCH_X86_64, 258); x32 calls (x86_64 numbers with bit
// 30 set) are named on x32. "syscall#N" when libseccomp has no name for it.
std::string syscall_name(uint32_t audit_arch, int64_t nr);

}  // namespace nri_seccomp::denials
