// Acting on a running container from outside the runtime, by its init
// process: NRI's CreateContainerResponse.evict never reaches the runtime (NRI
// v0.11, v0.12 and main drop it in the adaptation), so where the plugin can
// see host pids (the host-mode daemon, or the DaemonSet's hostPID variant)
// it stops an unprotected container itself; kubelet then recreates it,
// through the plugin. The pid comes from the Synchronize snapshot and may be
// stale or belong to another pid namespace: a process is touched only after
// its cgroup names the container id, through a pidfd, so a recycled pid is
// never signalled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nri_seccomp::policy {

// SIGKILL to the container's init process. Returns what happened, for the
// log line: "killed", or why not ("pid 123 is not this container's ...").
std::string kill_container_process(uint32_t pid, const std::string& container_id);

// The kernel's word on the process: `Seccomp:` of /proc/PID/status (0 none,
// 1 strict, 2 filter); nullopt when the pid is not visibly the container's.
std::optional<int> container_seccomp_mode(uint32_t pid, const std::string& container_id);

}  // namespace nri_seccomp::policy
