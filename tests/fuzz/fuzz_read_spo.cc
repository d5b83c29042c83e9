// libFuzzer: arbitrary bytes as an SPO SeccompProfile (YAML). baseProfileName
// resolves against a fixed set: a valid base, a base that refers to itself,
// a base with broken YAML, and a chain that runs past the depth limit.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "seccomp/reader.h"
#include "seccomp/writer.h"

using namespace nri_seccomp;
using namespace nri_seccomp::seccomp;

namespace {

std::string spo(const std::string& base) {
  return "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
         "metadata: {name: x}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n" +
         (base.empty() ? std::string() : "  baseProfileName: " + base + "\n") +
         "  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read, write]\n";
}

std::optional<std::string> lookup(std::string_view name) {
  if (name == "base") return spo("");
  if (name == "self") return spo("self");
  if (name == "broken") return std::string("spec: [unclosed");
  if (name == "oci") return std::string(R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  if (name.size() == 2 && name[0] == 'd' && name[1] >= '0' && name[1] <= '9') {
    return spo(name[1] == '9' ? "base" : std::string("d") + char(name[1] + 1));
  }
  return std::nullopt;
}

bool ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadOptions options;
  options.source_name = "fuzz";
  options.format = Format::spo_yaml;
  options.base_lookup = lookup;
  Policy policy;
  try {
    policy = read_profile(std::string_view(reinterpret_cast<const char*>(data), size), options);
  } catch (const ProfileError&) {
    return 0;
  }
  // The writer replaces invalid UTF-8 (which YAML may carry) in free-text
  // fields, so only check the round trip where they are plain ASCII.
  if (!ascii(policy.listener_path) || !ascii(policy.listener_metadata)) return 0;
  ReadOptions oci;
  oci.format = Format::oci_json;
  Policy again = read_profile(to_oci_json(policy), oci);
  if (!(again == policy)) __builtin_trap();
  return 0;
}
