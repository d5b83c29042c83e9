// Measures the policy layer the way the daemon uses it, with a realistic
// containerd 2.3 CreateContainerRequest (current policy with ~360 names,
// annotations, mounts, env) and 500 profiles loaded:
//   warm   decide() for a combination already seen (decision cache hit)
//   cold   decide() for a combination never seen (merge, errno
//          preservation, NRI conversion, and the check: compile + verify,
//          which the daemon runs before a combination's first answer)
//   wire   the same warm request through the NRI session over a unix socket
//   rss    process RSS with the 500-profile store loaded
//   load   first load and reloads of the 500-profile store
// Usage: policy_bench [--iterations N] 2>/dev/null
#include "seccomp/nri_convert.h"  // before nri/: see tests/policy/integration_test.cc

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "nri/session.h"
#include "policy/engine.h"
#include "policy/nri_handler.h"
#include "support/daemon_process.h"
#include "support/realistic_request.h"
#include "support/test_runtime.h"

namespace {

using namespace nri_seccomp;
using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

struct Summary {
  double p50, p99, p999, max;
};

Summary summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))]; };
  return {at(0.50), at(0.99), at(0.999), samples.back()};
}

void print(const char* name, const Summary& s, size_t n, const char* goal) {
  std::printf("%-34s n=%-6zu p50=%9.1f us  p99=%9.1f us  p99.9=%9.1f us  max=%9.1f us   (goal: %s)\n", name, n, s.p50,
              s.p99, s.p999, s.max, goal);
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// 500 distinct small profiles (different syscall sets and errnos) so that
// each one is its own compile and its own merge.
void write_profiles(const std::string& dir, int count, int generation) {
  static const char* syscalls[] = {"ptrace", "mkdirat", "unshare", "setns", "mount", "chroot", "reboot",
                                   "swapon", "swapoff", "acct", "pivot_root", "umount2", "syslog", "kcmp",
                                   "personality", "keyctl", "add_key", "request_key", "bpf", "userfaultfd"};
  for (int i = 0; i < count; ++i) {
    std::string names;
    for (int k = 0; k < 3; ++k) {
      names += std::string(k ? "," : "") + "\"" + syscalls[(i + k * 7) % 20] + "\"";
    }
    write_file(dir + "/p" + std::to_string(i) + ".json",
               "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[" + names +
                   "],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":" + std::to_string(1 + (i + generation) % 120) + "}]}");
  }
  write_file(dir + "/block-mkdir.json",
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]})");
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 20000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0) iterations = std::atoi(argv[i + 1]);
  }
  log::setup("warn", "text");
  testing::TempDir dir;
  const int kProfiles = 500;
  write_profiles(dir.path(), kProfiles, 0);

  const long rss_before = rss_kib();
  policy::EngineOptions options;
  options.profile_dirs = {dir.path()};
  options.log_decisions = false;
  auto start = Clock::now();
  auto engine = std::make_shared<policy::Engine>(options);
  const double first_load_ms = us_since(start) / 1000;
  engine->set_runtime("containerd", "v2.3.4");
  const long rss_loaded = rss_kib();

  // Warm: the realistic request (annotation block-mkdir on container "app").
  auto request = testing::make_realistic_create_request();
  ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
  auto d = engine->decide(request, response);
  if (d.outcome != policy::Outcome::applied) {
    std::fprintf(stderr, "warm-up was not applied: %s\n", d.reason.c_str());
    return 1;
  }
  std::vector<double> warm;
  warm.reserve(iterations);
  for (int i = 0; i < iterations; ++i) {
    response.Clear();
    auto t = Clock::now();
    engine->decide(request, response);
    warm.push_back(us_since(t));
  }

  // Cold: every profile once, each a combination the cache has not seen.
  std::vector<double> cold;
  for (int i = 0; i < kProfiles; ++i) {
    (*request.mutable_pod()->mutable_annotations())["seccomp.noderesource.dev/container.app"] =
        "block-mkdir,p" + std::to_string(i);
    response.Clear();
    auto t = Clock::now();
    auto cd = engine->decide(request, response);
    cold.push_back(us_since(t));
    if (cd.outcome != policy::Outcome::applied || cd.cache_hit) {
      std::fprintf(stderr, "cold request %d: %s %s\n", i, std::string(policy::outcome_name(cd.outcome)).c_str(),
                   cd.reason.c_str());
      return 1;
    }
  }
  const long rss_after_cold = rss_kib();
  if (std::getenv("POLICY_BENCH_SLOWEST")) {
    std::vector<std::pair<double, int>> slow;
    for (int i = 0; i < kProfiles; ++i) slow.emplace_back(cold[i], i);
    std::sort(slow.rbegin(), slow.rend());
    for (int k = 0; k < 10; ++k) std::printf("slow cold: p%d %.1f us\n", slow[k].second, slow[k].first);
  }

  // Warm again with logging on (one `decision` line per request to stderr).
  std::vector<double> warm_logged;
  {
    log::setup("info", "text");
    policy::EngineOptions logged = options;
    logged.log_decisions = true;
    policy::Engine engine2(logged);
    engine2.set_runtime("containerd", "v2.3.4");
    auto req = testing::make_realistic_create_request();
    engine2.decide(req, response);
    for (int i = 0; i < std::min(iterations, 5000); ++i) {
      response.Clear();
      auto t = Clock::now();
      engine2.decide(req, response);
      warm_logged.push_back(us_since(t));
    }
    log::setup("warn", "text");
  }

  // Wire: the warm request through the NRI session over a unix socket.
  std::vector<double> wire;
  {
    testing::TempDir sock;
    auto handler = policy::make_nri_handler(engine);
    testing::TestRuntime runtime(sock.file("nri.sock"));
    nri_seccomp::nri::SessionOptions so;
    so.socket_path = sock.file("nri.sock");
    nri_seccomp::nri::Session session(so, *handler);
    std::thread t([&] { session.run(); });
    runtime.handshake();
    auto req = testing::make_realistic_create_request();
    runtime.create_container(req);
    for (int i = 0; i < std::min(iterations, 5000); ++i) {
      auto t0 = Clock::now();
      runtime.create_container(req);
      wire.push_back(us_since(t0));
    }
    session.stop();
    t.join();
  }

  // The real daemon binary with the same 500 profiles: RSS and round trip.
  // Meaningful once plugin/handler_factory.cc returns policy::make_nri_handler().
  std::vector<double> daemon_wire;
  long daemon_rss = 0;
  {
    testing::TempDir sock;
    testing::TestRuntime runtime(sock.file("nri.sock"));
    testing::DaemonProcess daemon({.args = {"run", "--socket", sock.file("nri.sock"), "--name", "seccomp", "--idx",
                                            "10", "--profiles-dir", dir.path(), "--log-level", "warn"}});
    runtime.handshake();
    auto req = testing::make_realistic_create_request();
    auto first = runtime.create_container(req);
    if (first.adjust().linux().has_seccomp_policy()) {
      for (int i = 0; i < std::min(iterations, 5000); ++i) {
        auto t0 = Clock::now();
        runtime.create_container(req);
        daemon_wire.push_back(us_since(t0));
      }
      daemon_rss = daemon.rss_kib();
    }
  }

  // Reloads: unchanged files (reused), then every file rewritten.
  start = Clock::now();
  bool ok = engine->reload();
  const double reload_unchanged_ms = us_since(start) / 1000;
  write_profiles(dir.path(), kProfiles, 1);
  start = Clock::now();
  ok = engine->reload() && ok;
  const double reload_changed_ms = us_since(start) / 1000;

  std::printf("policy_bench: %d profiles, realistic containerd 2.3 request (%zu bytes, current policy with %d names)\n",
              kProfiles, testing::make_realistic_create_request().ByteSizeLong(),
              testing::make_realistic_create_request().container().linux().seccomp_policy().syscalls(0).names_size());
  print("warm decide (cache hit)", summarize(warm), warm.size(), "p99 <= 50 us");
  print("warm decide + decision log line", summarize(warm_logged), warm_logged.size(), "-");
  print("warm over NRI socket (round trip)", summarize(wire), wire.size(), "-");
  // A quarter of the daemon's default 500 ms budget (itself a quarter of the runtime's timeout).
  print("cold decide (new combination)", summarize(cold), cold.size(), "<= 125000 us");
  if (!daemon_wire.empty()) {
    print("daemon binary over NRI socket", summarize(daemon_wire), daemon_wire.size(), "-");
    std::printf("%-34s %.1f MiB (goal: <= 30 MiB)\n", "daemon RSS, 500 profiles loaded", daemon_rss / 1024.0);
  } else {
    std::printf("%-34s not measured: the daemon returned no seccomp adjustment (handler_factory not wired)\n",
                "daemon binary");
  }
  std::printf("%-34s %.1f ms (goal: <= 1000 ms)\n", "first load, 500 profiles", first_load_ms);
  std::printf("%-34s %.1f ms\n", "reload, 500 unchanged (reused)", reload_unchanged_ms);
  std::printf("%-34s %.1f ms (goal: <= 1000 ms)%s\n", "reload, 500 changed", reload_changed_ms, ok ? "" : " FAILED");
  std::printf("%-34s before=%.1f MiB  loaded=%.1f MiB  after 500 cold=%.1f MiB (goal: <= 30 MiB)\n", "RSS",
              rss_before / 1024.0, rss_loaded / 1024.0, rss_after_cold / 1024.0);
  auto s = engine->stats();
  std::printf("stats: applied=%lu cache_hits=%lu cache_misses=%lu profiles=%zu broken=%zu reload_ok=%lu\n",
              (unsigned long)s.applied, (unsigned long)s.cache_hits, (unsigned long)s.cache_misses, s.profiles_loaded,
              s.profiles_broken, (unsigned long)s.reload_ok);
  return 0;
}
