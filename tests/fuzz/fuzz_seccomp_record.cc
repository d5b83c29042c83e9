// libFuzzer: arbitrary bytes as a seccomp audit record, both sources (the
// audit netlink payload and a /dev/kmsg line). Anything may be refused with
// a reason; nothing may crash, hang or leak, and a record always has its
// required fields and a refusal always says why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "denials/seccomp_record.h"

using namespace nri_seccomp::denials;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const ParsedRecord& parsed : {parse_netlink_payload(input), parse_kmsg_line(input)}) {
    if (parsed.record.has_value() == !parsed.error.empty()) __builtin_trap();
    if (parsed.record && parsed.record->syscall < 0) __builtin_trap();
    if (parsed.record) (void)action_of(parsed.record->code);
  }
  return 0;
}
