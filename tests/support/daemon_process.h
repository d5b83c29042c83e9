// Runs the real nri-seccomp binary as a child process for integration tests
// and benchmarks: arguments, extra environment, inherited descriptors,
// stderr captured to a file, waiting for log lines, signals, exit status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp::testing {

using namespace std::chrono_literals;

// Path of the nri-seccomp binary this test build belongs to.
std::string daemon_binary();

// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

class DaemonProcess {
 public:
  struct Spawn {
    std::vector<std::string> args;        // after the binary, e.g. {"run", "--socket", p}
    std::vector<std::string> env;         // extra "K=V" entries on top of ours
    std::vector<int> inherit_fds;         // kept open (same number) in the child
    std::string stderr_path;              // empty: a temp file
  };

  explicit DaemonProcess(Spawn spawn);
  ~DaemonProcess();  // SIGKILLs and reaps the child if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& stderr_path() const { return stderr_path_; }
  std::string log() const;  // everything written to stderr so far

  // Waits until `needle` occurs at least `count` times in stderr.
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout = 5s, size_t count = 1) const;
  size_t count_in_log(std::string_view needle) const;

  void send_signal(int signal) const;
  // Exit code, or 128 + signal number; nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 5s);
  bool running();

  // VmRSS from /proc/PID/status in KiB (0 if unavailable).
  long rss_kib() const;

  // Scheduler accounting summed over the daemon's threads
  // (/proc/PID/task/*/schedstat): time on a CPU and time spent runnable but
  // waiting for one (what a busy machine adds to latency).
  struct CpuTime {
    uint64_t on_cpu_ns = 0, run_queue_wait_ns = 0;
  };
  CpuTime cpu_time() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string stderr_path_;
  bool own_stderr_file_ = false;
};

}  // namespace nri_seccomp::testing
