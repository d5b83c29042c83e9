// libFuzzer: arbitrary bytes as a moby-style profile, resolved for a context
// chosen by the first input byte (arch, caps, kernel). The resolved result is
// plain OCI and must survive writer -> OCI reader unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "seccomp/reader.h"
#include "seccomp/writer.h"

using namespace nri_seccomp;
using namespace nri_seccomp::seccomp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t selector = data[0];
  ReadOptions options;
  options.source_name = "fuzz";
  options.format = Format::moby_json;
  static const char* const kArches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_S390X",
                                        "SCMP_ARCH_RISCV64"};
  options.context.arch = kArches[selector & 3];
  if (selector & 4) options.context.caps = {"CAP_SYS_ADMIN"};
  if (selector & 8) options.context.caps.push_back("CAP_SYS_PTRACE");
  if (selector & 16) options.context.kernel = {4, 4};
  Policy policy;
  try {
    policy = read_profile(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), options);
  } catch (const ProfileError&) {
    return 0;
  }
  ReadOptions oci;
  oci.format = Format::oci_json;
  Policy again = read_profile(to_oci_json(policy), oci);
  if (!(again == policy)) __builtin_trap();
  return 0;
}
