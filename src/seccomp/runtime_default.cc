// Built-in RuntimeDefault: the embedded moby-style data resolved by the reader.
#include "seccomp/runtime_default.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

namespace nri_seccomp::seccomp {

// Defined in the generated runtime_default_data.cc (from config/runtime-default*.json).
extern const std::string_view kRuntimeDefaultJson;
extern const std::string_view kRuntimeDefaultCrioJson;

std::string_view runtime_default_name(RuntimeDefault which) {
  return which == RuntimeDefault::cri_o ? "cri-o" : "containerd";
}

const std::vector<std::string>& default_container_caps(RuntimeDefault which) {
  // containerd's oci.WithDefaultCapabilities / CRI default set.
  static const std::vector<std::string> containerd{
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",   "CAP_AUDIT_WRITE",
  };
  // CRI-O's default_capabilities (crio.conf): a smaller set, without
  // MKNOD, NET_RAW, SETFCAP, SYS_CHROOT and AUDIT_WRITE.
  static const std::vector<std::string> cri_o{
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_KILL",
  };
  return which == RuntimeDefault::cri_o ? cri_o : containerd;
}

ResolveContext default_container_context(RuntimeDefault which) {
  ResolveContext context;
  context.caps = default_container_caps(which);
  return context;
}

std::string_view runtime_default_source(RuntimeDefault which) {
  return which == RuntimeDefault::cri_o ? kRuntimeDefaultCrioJson : kRuntimeDefaultJson;
}

namespace {

Policy resolve(const ResolveContext& context, RuntimeDefault which) {
  ReadOptions options;
  options.source_name = which == RuntimeDefault::cri_o ? "built-in runtime-default-crio.json" : "built-in runtime-default.json";
  options.format = Format::moby_json;
  options.context = context;
  return read_profile(runtime_default_source(which), options);
}

// The same few contexts recur for every container on a node, and resolving
// means parsing ~6 KB of JSON, so results are memoised per context.
std::string context_key(const ResolveContext& context, RuntimeDefault which) {
  std::vector<std::string> caps = context.caps;
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  return fmt::format("{}|{}|{}.{}|{}", runtime_default_name(which), context.arch, context.kernel.major, context.kernel.minor,
                     fmt::join(caps, ","));
}

}  // namespace

Policy runtime_default(const ResolveContext& context, RuntimeDefault which) {
  static std::mutex mutex;
  static std::map<std::string, Policy> cache;
  constexpr size_t kMaxEntries = 64;  // bounded: contexts come from container specs
  std::string key = context_key(context, which);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  Policy policy = resolve(context, which);
  std::lock_guard lock(mutex);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(std::move(key), policy);
  return policy;
}

}  // namespace nri_seccomp::seccomp
