// One immutable generation of everything a decision needs: the config, the
// loaded+compiled profile store and the resolved runtime default. Built off
// the request path (startup, reload) and swapped in whole, so a request sees
// either the old or the new state, never a mix. The caches inside are the
// only mutable parts; they belong to this generation and die with it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "nri.pb.h"
#include "policy/config.h"
#include "policy/localhost.h"
#include "policy/profile_store.h"
#include "seccomp/compile.h"
#include "seccomp/libseccomp_hazards.h"
#include "seccomp/model.h"
#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {

// A finished adjustment, ready to copy into a response.
struct ReadyAdjustment {
  ::nri::pkg::api::v1alpha1::LinuxSeccomp seccomp;
  std::string hash;              // seccomp::policy_hash of the policy handed to NRI
  std::vector<std::pair<std::string, std::string>> annotations;
  // Where the runtime's row forced an approximation (unsupportedErrno:
  // approximate): what changed, logged with every decision that uses it.
  std::vector<std::string> warnings;
  // Set when the check of the merged policy failed: it and later
  // requests for this combination are refused with it.
  std::string check_error;
  // Set when the check found that libseccomp compiles the merged policy
  // wrong and replaced it by this equivalent shape (seccomp/shapes.h).
  std::string shape;
};

// Keyed by base identity + selected profiles + replace + mode (the state is
// the generation). Bounded: cleared when it grows past its limit.
class DecisionCache {
 public:
  std::shared_ptr<const ReadyAdjustment> find(const std::string& key) const;
  void put(const std::string& key, std::shared_ptr<const ReadyAdjustment> ready);  // replaces
  size_t size() const;

  // A small stable id for a (large) base identity such as the runtime's
  // serialized current policy, so cache keys do not repeat its bytes.
  uint64_t intern_base(const std::string& identity);

 private:
  static constexpr size_t kMaxEntries = 1024;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const ReadyAdjustment>> entries_;
  std::unordered_map<std::string, uint64_t> bases_;
  uint64_t next_base_ = 1;
};

struct State {
  uint64_t generation = 0;
  Config config;
  std::vector<std::string> profile_dirs;  // command line first, then config
  ProfileStore store;
  seccomp::ResolveContext context;        // for runtime default and Localhost profiles
  seccomp::CompileOptions compile;
  // The libseccomp whose known-bad patterns every handed-out policy is
  // checked against: the config's runtimeLibseccomp, else the plugin's own.
  seccomp::LibseccompVersion runtime_libseccomp;
  // The runtimes' RuntimeDefault profiles resolved for this node, each with
  // its runtime's default capabilities; indexed by seccomp::RuntimeDefault.
  std::shared_ptr<const seccomp::Policy> runtime_defaults[2];
  std::vector<std::string> warnings;      // config/store problems worth a log line
  std::shared_ptr<seccomp::CompileCache> compile_cache;  // shared across generations

  const std::shared_ptr<const seccomp::Policy>& runtime_default(seccomp::RuntimeDefault which) const {
    return runtime_defaults[static_cast<size_t>(which)];
  }
  // The node context with `which` runtime's default capabilities (for
  // moby-style conditions in Localhost files).
  seccomp::ResolveContext context_for(seccomp::RuntimeDefault which) const;

  mutable DecisionCache decisions;
  mutable LocalhostCache localhost;
};

struct StateInputs {
  Config config;                          // already parsed
  std::vector<std::string> extra_dirs;    // --profiles-dir, take precedence over config profileDirs
  seccomp::ResolveContext context;
  std::shared_ptr<seccomp::CompileCache> compile_cache;  // required
};

// Loads the store and resolves the runtime default. Broken profile files do
// not fail the build (they are broken entries); a bad config never gets here.
std::shared_ptr<const State> build_state(StateInputs inputs, uint64_t generation, const State* previous);

// The node's seccomp context: native arch (from uname), kernel version, and
// containerd's default capability set (NRI does not tell us a container's caps).
seccomp::ResolveContext node_context();

}  // namespace nri_seccomp::policy
