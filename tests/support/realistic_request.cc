#include "realistic_request.h"

#include <fmt/format.h>

namespace nri_seccomp::testing {

const std::vector<std::string>& default_allowed_syscalls() {
  static const std::vector<std::string> names = {
      "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
      "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
      "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
      "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
      "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
      "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
      "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
      "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
      "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
      "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
      "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
      "futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
      "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
      "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
      "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
      "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
      "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch",
      "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
      "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
      "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
      "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
      "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat",
      "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create", "memfd_secret",
      "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap",
      "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
      "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap",
      "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
      "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2",
      "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
      "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2",
      "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
      "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom",
      "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename",
      "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
      "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
      "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
      "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
      "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
      "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select",
      "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
      "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid",
      "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid",
      "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
      "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid",
      "setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr",
      "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
      "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64",
      "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
      "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
      "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
      "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
      "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
      "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork",
      "vmsplice", "wait4", "waitid", "waitpid", "write", "writev", "arch_prctl", "modify_ldt",
      "clone", "clone3", "socket", "personality", "process_vm_readv", "process_vm_writev",
      "ptrace", "sync_file_range2", "pidfd_getfd", "set_mempolicy", "get_mempolicy", "mbind",
      "move_pages", "quotactl_fd", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
      "move_mount", "mount_setattr",
  };
  return names;
}

api::LinuxSeccomp make_runtime_default_policy() {
  api::LinuxSeccomp policy;
  policy.set_default_action("SCMP_ACT_ERRNO");
  policy.mutable_default_errno()->set_value(1);
  policy.add_architectures("SCMP_ARCH_X86_64");
  policy.add_architectures("SCMP_ARCH_X86");
  policy.add_architectures("SCMP_ARCH_X32");
  auto* allow = policy.add_syscalls();
  allow->set_action("SCMP_ACT_ALLOW");
  for (const auto& name : default_allowed_syscalls()) allow->add_names(name);
  return policy;
}

api::CreateContainerRequest make_realistic_create_request() {
  api::CreateContainerRequest request;
  auto* pod = request.mutable_pod();
  pod->set_id("6f1d0c1e9a4b4b5c8a2f3e4d5c6b7a8990a1b2c3d4e5f60718293a4b5c6d7e8f");
  pod->set_name("demo-7d9f8c6b5-x2k4q");
  pod->set_uid("0b7e3c2a-5f41-4d8e-9a6b-1c2d3e4f5a6b");
  pod->set_namespace_("default");
  (*pod->mutable_labels())["app"] = "demo";
  (*pod->mutable_labels())["pod-template-hash"] = "7d9f8c6b5";
  (*pod->mutable_labels())["io.kubernetes.pod.namespace"] = "default";
  (*pod->mutable_annotations())["kubernetes.io/config.seen"] = "2026-11-27T20:00:00.000000000Z";
  (*pod->mutable_annotations())["kubernetes.io/config.source"] = "api";
  (*pod->mutable_annotations())["seccomp.noderesource.dev/container.app"] = "block-mkdir";
  pod->set_runtime_handler("runc");
  pod->mutable_linux()->set_cgroup_parent("/kubepods/besteffort/pod0b7e3c2a");

  auto* container = request.mutable_container();
  container->set_id("c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  container->set_pod_sandbox_id(pod->id());
  container->set_name("app");
  (*container->mutable_labels())["io.kubernetes.container.name"] = "app";
  (*container->mutable_labels())["io.kubernetes.pod.name"] = pod->name();
  (*container->mutable_labels())["io.kubernetes.pod.namespace"] = "default";
  (*container->mutable_annotations())["io.kubernetes.container.hash"] = "5b1d7f2e";
  (*container->mutable_annotations())["io.kubernetes.container.restartCount"] = "0";
  for (const char* arg : {"/usr/local/bin/server", "--listen", ":8080", "--log-level", "info"}) {
    container->add_args(arg);
  }
  for (int i = 0; i < 20; ++i) {
    container->add_env(fmt::format("DEMO_SETTING_{}=value-{}-{}", i, i, std::string(16, 'x')));
  }
  const char* destinations[] = {"/etc/hosts", "/dev/termination-log", "/etc/hostname",
                                "/etc/resolv.conf", "/dev/shm", "/var/run/secrets/kubernetes.io/serviceaccount",
                                "/data", "/config", "/tmp", "/var/cache/app"};
  for (int i = 0; i < 10; ++i) {
    auto* mount = container->add_mounts();
    mount->set_destination(destinations[i]);
    mount->set_type("bind");
    mount->set_source(fmt::format("/var/lib/kubelet/pods/{}/volumes/vol-{}", pod->uid(), i));
    mount->add_options("rbind");
    mount->add_options("rprivate");
    mount->add_options(i % 2 ? "ro" : "rw");
  }
  auto* container_linux = container->mutable_linux();
  for (const char* ns : {"pid", "ipc", "uts", "mount", "network"}) {
    auto* n = container_linux->add_namespaces();
    n->set_type(ns);
    if (std::string(ns) == "network" || std::string(ns) == "ipc" || std::string(ns) == "uts") {
      n->set_path(fmt::format("/proc/4242/ns/{}", ns == std::string("network") ? "net" : ns));
    }
  }
  container_linux->set_cgroups_path("kubepods-besteffort-pod0b7e3c2a.slice:cri-containerd:c0ffee01");
  container_linux->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::RUNTIME_DEFAULT);
  *container_linux->mutable_seccomp_policy() = make_runtime_default_policy();
  return request;
}

}  // namespace nri_seccomp::testing
