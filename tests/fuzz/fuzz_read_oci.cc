// libFuzzer: arbitrary bytes as an OCI `linux.seccomp` profile. Anything may
// be refused with ProfileError; nothing may crash, hang or leak. What is
// accepted must survive writer -> reader unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "seccomp/reader.h"
#include "seccomp/writer.h"

using namespace nri_seccomp;
using namespace nri_seccomp::seccomp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadOptions options;
  options.source_name = "fuzz";
  options.format = Format::oci_json;
  Policy policy;
  try {
    policy = read_profile(std::string_view(reinterpret_cast<const char*>(data), size), options);
  } catch (const ProfileError&) {
    return 0;
  }
  Policy again = read_profile(to_oci_json(policy), options);
  if (!(again == policy)) __builtin_trap();
  return 0;
}
