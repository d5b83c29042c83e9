// Built-in RuntimeDefault: the embedded moby-style data resolved by the reader.
#include "seccomp/runtime_default.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

namespace nri_seccomp::seccomp {

// Defined in the generated runtime_default_data.cc (from config/runtime-default.json).
extern const std::string_view kRuntimeDefaultJson;

const std::vector<std::string>& default_container_caps() {
  // containerd's oci.WithDefaultCapabilities / CRI default set.
  static const std::vector<std::string> caps{
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",   "CAP_AUDIT_WRITE",
  };
  return caps;
}

ResolveContext default_container_context() {
  ResolveContext context;
  context.caps = default_container_caps();
  return context;
}

std::string_view runtime_default_source() { return kRuntimeDefaultJson; }

namespace {

Policy resolve(const ResolveContext& context) {
  ReadOptions options;
  options.source_name = "built-in runtime-default.json";
  options.format = Format::moby_json;
  options.context = context;
  return read_profile(kRuntimeDefaultJson, options);
}

// The same few contexts recur for every container on a node, and resolving
// means parsing ~6 KB of JSON, so results are memoised per context.
std::string context_key(const ResolveContext& context) {
  std::vector<std::string> caps = context.caps;
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  return fmt::format("{}|{}.{}|{}", context.arch, context.kernel.major, context.kernel.minor,
                     fmt::join(caps, ","));
}

}  // namespace

Policy runtime_default(const ResolveContext& context) {
  static std::mutex mutex;
  static std::map<std::string, Policy> cache;
  constexpr size_t kMaxEntries = 64;  // bounded: contexts come from container specs
  std::string key = context_key(context);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  Policy policy = resolve(context);
  std::lock_guard lock(mutex);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(std::move(key), policy);
  return policy;
}

}  // namespace nri_seccomp::seccomp
