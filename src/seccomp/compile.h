// Checking a Policy the way runc + libseccomp would read it, and compiling it
// to classic BPF per architecture in memory. The runtime compiles the final
// filter with its own libseccomp; this compile tells the operator and the
// plugin beforehand whether that will work and how big it will be.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "seccomp/libseccomp_hazards.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

enum class UnknownSyscalls {
  // A name that exists on none of the target architectures is a ProfileError;
  // one missing on only some of them is skipped there with a warning (profiles
  // list names for several architectures, as moby's default does).
  error,
  ignore,  // every unknown name is skipped with a warning, as runc does
};

struct CompileOptions {
  // Empty: the policy's own list; if that is empty too, the native architecture
  // plus its sub-architectures (what containerd's default lists).
  std::vector<std::string> architectures;
  UnknownSyscalls unknown_syscalls = UnknownSyscalls::error;
  // Run verify_compiled on the result (see verify.h): the filter must decide
  // what the policy says. Off only where a caller compares the two itself
  // (`profile explain`) or a test needs libseccomp's raw output.
  bool verify = true;
  // Also refuse the known-bad patterns of this libseccomp (the runtime's, when
  // the policy declares it; libseccomp_hazards.h). The plugin's own are always
  // refused: they would hang or mislead this compile.
  std::optional<LibseccompVersion> runtime_libseccomp;
};

struct ArchProgram {
  std::string arch;          // "SCMP_ARCH_X86_64"
  std::vector<uint8_t> bpf;  // struct sock_filter array, host byte order
  size_t instructions = 0;
};

struct CompiledPolicy {
  std::string key;  // policy_hash + options: what the cache knows it by
  std::vector<ArchProgram> programs;
  std::vector<std::string> warnings;
  size_t total_instructions = 0;  // sum over programs: an upper bound of the
                                  // runtime's single multi-arch filter
  size_t verified_inputs = 0;     // evaluations verify_compiled compared (0: not verified)
};

inline constexpr size_t kMaxFilterInstructions = 4096;  // BPF_MAXINSNS

// Throws ProfileError naming the rule index, syscall, architecture and reason,
// or the input where the compiled filter disagrees with the policy
// (VerificationFailed), or the known-bad libseccomp pattern it contains
// (LibseccompHazard).
CompiledPolicy check_and_compile(const Policy& policy, const CompileOptions& options);

// The libseccomp this process compiles with ("2.5.4"), from seccomp_version():
// the runtime compiles the final filter with its own, which may differ.
std::string libseccomp_version();

// The architectures check_and_compile targets for these inputs.
std::vector<std::string> target_architectures(const Policy& policy, const CompileOptions& options);

// The errno / trace message an action carries (OCI: EPERM when absent), 0 for
// actions without data.
uint32_t action_data(Action action, const std::optional<uint32_t>& errno_ret);

// runc's reading of one rule's conditions: conditions on an index that occurs
// once are ANDed into one condition set; every condition on an index that
// occurs more than once becomes a condition set of its own (OR). A rule
// without conditions yields one empty set (unconditional).
std::vector<std::vector<Arg>> runc_condition_sets(const Rule& rule);

// Whether runc skips the rule because it equals the default action (libseccomp
// refuses such rules).
bool rule_matches_default(const Policy& policy, const Rule& rule);

// Thread-safe cache of compiled policies. A hit costs one structural hash and
// one equality check of the policy (no JSON, no SHA-256); the canonical
// policy_hash key is only computed on a miss.
class CompileCache {
 public:
  std::shared_ptr<const CompiledPolicy> get_or_compile(const Policy& policy,
                                                       const CompileOptions& options);
  size_t size() const;
  uint64_t hits() const { return hits_.load(); }
  uint64_t misses() const { return misses_.load(); }

 private:
  struct Entry {
    Policy policy;
    CompileOptions options;
    std::shared_ptr<const CompiledPolicy> compiled;
  };
  static constexpr size_t kMaxEntries = 512;  // tens of KiB each (policy + BPF per arch)
  mutable std::mutex mutex_;
  std::unordered_multimap<uint64_t, Entry> entries_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace nri_seccomp::seccomp
