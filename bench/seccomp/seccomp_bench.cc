// Google Benchmark for the seccomp engine on the built-in runtime default
// (~360 syscalls, moby-sized). Goals: check+compile <= 1.3x the raw libseccomp
// baseline for the same rules and architectures; merge <= 200 us; cache hit < 5 us.
#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <unistd.h>

#include <seccomp.h>

#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/merge.h"
#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"
#include "seccomp/writer.h"

namespace {

using namespace nri_seccomp::seccomp;

const Policy& default_policy() {
  static const Policy p = runtime_default();
  return p;
}

Policy overlay() {
  Policy o;
  o.default_action = Action::allow;
  o.syscalls.push_back(Rule{{"mkdir", "mkdirat"}, Action::errno_ret, std::nullopt, {}});
  o.syscalls.push_back(Rule{{"personality"}, Action::kill_process, std::nullopt, {Arg{0, 8, 0, Op::eq}}});
  return o;
}

void BM_ParseOciJson(benchmark::State& state) {
  const std::string text = to_oci_json(default_policy());
  ReadOptions options;
  options.source_name = "bench";
  for (auto _ : state) benchmark::DoNotOptimize(read_profile(text, options));
  state.counters["syscalls"] = static_cast<double>(default_policy().syscalls.size());
}
BENCHMARK(BM_ParseOciJson)->Unit(benchmark::kMicrosecond);

void BM_ResolveBuiltinDefault(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(runtime_default());
}
BENCHMARK(BM_ResolveBuiltinDefault)->Unit(benchmark::kMicrosecond);

void BM_CheckAndCompile(benchmark::State& state) {
  CompileOptions options;
  options.unknown_syscalls = UnknownSyscalls::ignore;
  size_t instructions = 0;
  for (auto _ : state) instructions = check_and_compile(default_policy(), options).total_instructions;
  state.counters["instructions"] = static_cast<double>(instructions);
}
BENCHMARK(BM_CheckAndCompile)->Unit(benchmark::kMicrosecond);

// What a runtime does: one libseccomp context for all architectures, every
// rule added by native number (unknown names skipped), exported once.
void BM_RawLibseccompBaseline(benchmark::State& state) {
  const Policy& p = default_policy();
  const auto arches = target_architectures(p, {});
  size_t bytes = 0;
  for (auto _ : state) {
    scmp_filter_ctx ctx = seccomp_init(ret_value(p.default_action, p.default_errno.value_or(1)));
    for (const auto& a : arches) {
      const uint32_t token = arch_info(a).token;
      if (token != seccomp_arch_native()) seccomp_arch_add(ctx, token);
    }
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    for (const auto& r : p.syscalls) {
      if (r.action == p.default_action) continue;
      const uint32_t ret = ret_value(r.action, r.errno_ret.value_or(1));
      for (const auto& name : r.names) {
        const int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) continue;
        scmp_arg_cmp cmps[6];
        for (size_t k = 0; k < r.args.size() && k < 6; ++k) {
          cmps[k] = {r.args[k].index, static_cast<scmp_compare>(static_cast<int>(r.args[k].op) + 1),
                     r.args[k].value, r.args[k].value_two};
        }
        seccomp_rule_add_array(ctx, ret, nr, static_cast<unsigned>(std::min<size_t>(r.args.size(), 6)), cmps);
      }
    }
    const int fd = memfd_create("bench", MFD_CLOEXEC);
    seccomp_export_bpf(ctx, fd);
    bytes = static_cast<size_t>(lseek(fd, 0, SEEK_END));
    close(fd);
    seccomp_release(ctx);
  }
  state.counters["instructions"] = static_cast<double>(bytes / 8);
}
BENCHMARK(BM_RawLibseccompBaseline)->Unit(benchmark::kMicrosecond);

void BM_MergeDefaultWithOverlay(benchmark::State& state) {
  const std::vector<Policy> overlays{overlay()};
  for (auto _ : state) benchmark::DoNotOptimize(merge(&default_policy(), overlays));
}
BENCHMARK(BM_MergeDefaultWithOverlay)->Unit(benchmark::kMicrosecond);

void BM_CacheHit(benchmark::State& state) {
  CompileCache cache;
  CompileOptions options;
  options.unknown_syscalls = UnknownSyscalls::ignore;
  cache.get_or_compile(default_policy(), options);
  for (auto _ : state) benchmark::DoNotOptimize(cache.get_or_compile(default_policy(), options));
  state.counters["hits"] = static_cast<double>(cache.hits());
}
BENCHMARK(BM_CacheHit)->Unit(benchmark::kMicrosecond);

void BM_PolicyHash(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(policy_hash(default_policy()));
}
BENCHMARK(BM_PolicyHash)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
