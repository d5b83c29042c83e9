// Built-in RuntimeDefault: the embedded moby-style data resolved by the reader.
#include "seccomp/runtime_default.h"

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

Policy runtime_default(const ResolveContext& context) {
  ReadOptions options;
  options.source_name = "built-in runtime-default.json";
  options.format = Format::moby_json;
  options.context = context;
  return read_profile(kRuntimeDefaultJson, options);
}

}  // namespace nri_seccomp::seccomp
