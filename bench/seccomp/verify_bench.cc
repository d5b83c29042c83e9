// What verification adds to a check, per combination the daemon checks in
// the background: the built-in runtime default alone and merged with each
// shipped profile (config/profiles) and with 20 generated overlays with
// argument conditions. Per combination: compile without verification, then
// verify_compiled alone, as p50/p99 over N runs.
// Usage: verify_bench [N] (default 50)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "seccomp/compile.h"
#include "seccomp/merge.h"
#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"
#include "seccomp/verify.h"

namespace {

using namespace nri_seccomp;
using namespace nri_seccomp::seccomp;
using Clock = std::chrono::steady_clock;

struct Combination {
  std::string name;
  Policy policy;
};

// Overlays like operators write them: a few syscalls, some with conditions.
Policy generated_overlay(std::mt19937_64& rng) {
  static const std::vector<std::string> names = {"ioctl", "personality", "setsockopt", "mkdir", "ptrace", "kill"};
  Policy p;
  p.default_action = Action::allow;
  const int rules = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < rules; ++i) {
    Rule r;
    r.names.push_back(names[rng() % names.size()]);
    r.action = rng() % 2 ? Action::errno_ret : Action::kill_process;
    if (rng() % 2) r.args.push_back(Arg{static_cast<uint32_t>(rng() % 2), rng() % 0x10000, 0, Op::eq});
    p.syscalls.push_back(std::move(r));
  }
  return p;
}

std::vector<Combination> combinations() {
  const Policy def = runtime_default();
  std::vector<Combination> out{{"runtime-default", def}};
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(NRI_SECCOMP_PROFILES_DIR)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::vector<Policy> overlays{read_profile_file(f.string(), {})};
    out.push_back({"runtime-default+" + f.filename().string(), merge(&def, overlays)});
  }
  std::mt19937_64 rng(5);
  for (int i = 0; out.size() < files.size() + 21; ++i) {
    const std::vector<Policy> overlays{generated_overlay(rng)};
    try {
      out.push_back({"runtime-default+generated-" + std::to_string(i), merge(&def, overlays)});
    } catch (const ProfileError&) {
      // not exactly representable: the daemon refuses it, nothing to verify
    }
  }
  return out;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  CompileOptions options;
  options.unknown_syscalls = UnknownSyscalls::ignore;  // as the daemon's background check
  options.verify = false;
  std::vector<double> all_verify;
  std::printf("libseccomp %s, %d runs per combination, microseconds\n", libseccomp_version().c_str(), runs);
  for (const auto& c : combinations()) {
    std::vector<double> compile_us, verify_us;
    size_t inputs = 0;
    for (int i = 0; i < runs; ++i) {
      auto t0 = Clock::now();
      const CompiledPolicy compiled = check_and_compile(c.policy, options);
      auto t1 = Clock::now();
      try {
        inputs = verify_compiled(c.policy, compiled, options).inputs;
      } catch (const VerificationFailed& e) {
        std::printf("%s: %s\n", c.name.c_str(), e.what());
        break;
      }
      auto t2 = Clock::now();
      compile_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      verify_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
    if (verify_us.empty()) continue;
    all_verify.insert(all_verify.end(), verify_us.begin(), verify_us.end());
    std::printf("%-44s compile p50=%8.0f p99=%8.0f   verify p50=%7.0f p99=%7.0f  (%zu inputs)\n", c.name.c_str(),
                percentile(compile_us, 0.5), percentile(compile_us, 0.99), percentile(verify_us, 0.5),
                percentile(verify_us, 0.99), inputs);
  }
  std::printf("%-44s                                  verify p50=%7.0f p99=%7.0f\n", "all combinations",
              percentile(all_verify, 0.5), percentile(all_verify, 0.99));
  return 0;
}
