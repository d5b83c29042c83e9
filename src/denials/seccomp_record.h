// One seccomp audit record (kernel audit type 1326, AUDIT_SECCOMP), as the
// kernel reports a syscall a filter decided with KILL, TRAP, ERRNO, TRACE or
// LOG where the filter asked for logging (SECCOMP_FILTER_FLAG_LOG), and KILL
// always. Two sources carry the same text:
//   - the audit netlink multicast group (payload: `audit(T:SERIAL): k=v ...`,
//     the type in the netlink header);
//   - /dev/kmsg when no audit daemon takes the records (a line
//     `PRI,SEQ,USEC,FLAGS;audit: type=1326 audit(T:SERIAL): k=v ...`).
// Both parsers return the reason instead of a record for anything else:
// input from the kernel is trusted to be well formed, but never to be
// exactly the fields this version expects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nri_seccomp::denials {

inline constexpr int kAuditSeccompType = 1326;

struct SeccompRecord {
  uint64_t serial = 0;          // audit(...:SERIAL): the kernel's event number
  uint64_t time_ms = 0;         // audit(SECONDS.MILLIS:...), in milliseconds since the epoch
  uint32_t pid = 0;             // host pid of the task
  uint32_t uid = 0;
  std::string comm, exe;        // decoded (the kernel hex-encodes unusual strings)
  uint32_t arch = 0;            // AUDIT_ARCH_*, the same values as libseccomp's SCMP_ARCH_*
  int64_t syscall = -1;         // number on that arch
  bool compat = false;
  uint32_t code = 0;            // the filter's action (the kernel logs SECCOMP_RET_ACTION_FULL only: no errno)
};

struct ParsedRecord {
  std::optional<SeccompRecord> record;
  std::string error;  // why there is no record (empty with a record)
};

// The netlink payload of a message whose header said type 1326.
ParsedRecord parse_netlink_payload(std::string_view payload);
// One /dev/kmsg record; lines of other types give an error "not a seccomp record".
ParsedRecord parse_kmsg_line(std::string_view line);

// The action part of `code` as the operator reads it: kill, trap, errno,
// notify, trace, log, allow (the "user_notif" and unknown ones as their hex).
std::string action_of(uint32_t code);

}  // namespace nri_seccomp::denials
