// Starts the real `nri-seccomp run` against the C++ test runtime and measures
// CreateContainer round trips (realistic ~10 KB request, the daemon's current
// handler) through the unix socket, the way the runtime sees them.
//
//   bench_create_container [N=20000] [--log-level LEVEL] [--unannotated] [-- extra daemon args...]
//
// The realistic request asks for block-mkdir by annotation, so pass
// `-- --profiles-dir config/profiles` to measure the applied (warm) path;
// --unannotated drops the plugin's annotations: the decision is "untouched"
// and the answer an empty adjustment (the transport's own cost).
//
// Prints p50/p99/p99.9/max in microseconds and the daemon's VmRSS when idle
// (after the handshake, before load) and after the load.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.h"
#include "realistic_request.h"
#include "sync_runtime.h"
#include "test_runtime.h"

using namespace nri_seccomp::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Percentiles {
  double p50, p99, p999, max;
};

Percentiles summarize(std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) {
    size_t idx = std::min(micros.size() - 1, static_cast<size_t>(p / 100.0 * micros.size()));
    return micros[idx];
  };
  return {pct(50), pct(99), pct(99.9), micros.back()};
}

void print(const char* label, int n, const Percentiles& p) {
  std::printf("%s: n=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus\n", label, n, p.p50, p.p99, p.p999, p.max);
}

// Round trips with the single-threaded runtime (one wake-up per side).
Percentiles measure_sync(const std::string& socket, int iterations, const std::vector<std::string>& daemon_args,
                         const std::string& payload) {
  nri_seccomp::bench::SyncRuntime runtime(socket);
  std::vector<std::string> args = {"run", "--socket", socket};
  args.insert(args.end(), daemon_args.begin(), daemon_args.end());
  DaemonProcess daemon({.args = args, .env = {}, .inherit_fds = {}, .stderr_path = ""});
  runtime.accept_and_register();
  api::ConfigureRequest configure;
  configure.set_runtime_name("containerd");
  configure.set_runtime_version("v2.3.4");
  configure.set_nri_version("v0.12.0");
  configure.set_registration_timeout(5000);
  configure.set_request_timeout(2000);
  runtime.call("Configure", configure.SerializeAsString());
  runtime.call("Synchronize", api::SynchronizeRequest().SerializeAsString());
  const std::string envelope = nri_seccomp::bench::SyncRuntime::envelope("CreateContainer", payload);
  for (int i = 0; i < 500; ++i) runtime.call_serialized(envelope);
  std::vector<double> micros;
  micros.reserve(iterations);
  auto before = daemon.cpu_time();
  for (int i = 0; i < iterations; ++i) {
    auto start = Clock::now();
    runtime.call_serialized(envelope);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  auto after = daemon.cpu_time();
  std::printf("daemon per request: %.1fus on CPU, %.1fus runnable but waiting for a CPU (schedstat)\n",
              (after.on_cpu_ns - before.on_cpu_ns) / 1000.0 / iterations,
              (after.run_queue_wait_ns - before.run_queue_wait_ns) / 1000.0 / iterations);
  daemon.send_signal(SIGTERM);
  daemon.wait_exit();
  return summarize(micros);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 20000;
  std::string log_level = "warn";
  std::vector<std::string> extra;
  bool unannotated = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--unannotated") {
      unannotated = true;
    } else if (arg == "--log-level" && i + 1 < argc) {
      log_level = argv[++i];
    } else if (arg == "--") {
      for (++i; i < argc; ++i) extra.emplace_back(argv[i]);
    } else {
      iterations = std::max(1, std::atoi(arg.c_str()));
    }
  }

  TempDir dir;
  TestRuntime runtime(dir.file("nri.sock"));
  std::vector<std::string> args = {"run", "--socket", runtime.socket_path(), "--log-level", log_level};
  args.insert(args.end(), extra.begin(), extra.end());
  DaemonProcess daemon({.args = args, .env = {}, .inherit_fds = {}, .stderr_path = ""});
  runtime.handshake();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long idle_rss = daemon.rss_kib();

  auto request = make_realistic_create_request();
  if (unannotated) {
    request.mutable_pod()->mutable_annotations()->clear();
    request.mutable_container()->mutable_annotations()->clear();
  }
  std::printf("request: %zu bytes serialized, %d syscall names in the base policy\n",
              request.ByteSizeLong(), request.container().linux().seccomp_policy().syscalls(0).names_size());

  // Serialized once, as the runtime's own encoding is not the plugin's cost.
  const std::string payload = request.SerializeAsString();
  for (int i = 0; i < 500; ++i) runtime.call("CreateContainer", payload);  // warm-up

  std::vector<double> micros;
  micros.reserve(iterations);
  size_t adjusted = 0;
  for (int i = 0; i < iterations; ++i) {
    auto start = Clock::now();
    std::string reply = runtime.call("CreateContainer", payload);
    auto end = Clock::now();
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    api::CreateContainerResponse response;
    if (!response.ParseFromString(reply)) {
      std::fprintf(stderr, "bad CreateContainerResponse\n");
      return 1;
    }
    if (response.adjust().linux().has_seccomp_policy()) ++adjusted;
  }
  long loaded_rss = daemon.rss_kib();
  auto threaded = summarize(micros);
  print("create_container round trips, threaded test runtime", iterations, threaded);
  std::printf("responses with a seccomp adjustment: %zu\n", adjusted);
  std::printf("daemon VmRSS: idle=%ld KiB (%.2f MiB) after_load=%ld KiB (%.2f MiB)\n", idle_rss,
              idle_rss / 1024.0, loaded_rss, loaded_rss / 1024.0);
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) load[0] = -1;
  std::printf("machine load average (1 min) during the run: %.2f on %u cores\n", load[0],
              std::thread::hardware_concurrency());
  daemon.send_signal(SIGTERM);
  daemon.wait_exit();

  std::vector<std::string> sync_args = {"--log-level", log_level};
  sync_args.insert(sync_args.end(), extra.begin(), extra.end());
  auto sync = measure_sync(dir.file("nri-sync.sock"), iterations, sync_args, payload);
  print("create_container round trips, single-threaded runtime", iterations, sync);
  std::printf("goals: p99 <= 100us: %s (threaded %.1fus, single-threaded %.1fus), idle RSS <= 8 MiB: %s\n",
              std::min(threaded.p99, sync.p99) <= 100 ? "met" : "MISSED", threaded.p99, sync.p99,
              idle_rss <= 8 * 1024 ? "met" : "MISSED");
  return 0;
}
