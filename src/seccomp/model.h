// The OCI runtime-spec `linux.seccomp` object, as the engine works with it.
// Every reader produces a Policy, every writer and the merge consume one.
// Plain values, no behaviour beyond naming: parsing, checking and merging live
// in their own files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp::seccomp {

// Seccomp actions, declared from strictest to most permissive: the kernel's
// precedence when several filters answer (KILL_PROCESS > KILL_THREAD > TRAP >
// ERRNO > USER_NOTIF > TRACE > LOG > ALLOW). `a < b` means a is stricter.
enum class Action : uint8_t {
  kill_process,
  kill_thread,  // OCI "SCMP_ACT_KILL" and "SCMP_ACT_KILL_THREAD"
  trap,
  errno_ret,    // "SCMP_ACT_ERRNO"; errno from Rule::errno_ret / default_errno
  notify,       // "SCMP_ACT_NOTIFY": parsed so it can be refused by name
  trace,        // "SCMP_ACT_TRACE"; trace message number from errno_ret
  log,
  allow,
};

inline constexpr bool stricter(Action a, Action b) { return a < b; }

// Comparison operators of OCI `args[].op`.
enum class Op : uint8_t { ne, lt, le, eq, ge, gt, masked_eq };

// The errno an ERRNO action returns when none is given (OCI: EPERM).
inline constexpr uint32_t kDefaultErrno = 1;

struct Arg {
  uint32_t index = 0;       // 0..5
  uint64_t value = 0;       // for masked_eq: the mask
  uint64_t value_two = 0;   // for masked_eq: the expected value; else must be 0
  Op op = Op::eq;

  friend bool operator==(const Arg&, const Arg&) = default;
};

struct Rule {
  std::vector<std::string> names;
  Action action = Action::allow;
  std::optional<uint32_t> errno_ret;  // for errno_ret / trace actions
  // All conditions must hold (AND) when their indexes differ. Note runc reads
  // two or more conditions on the SAME index as separate rules (OR): readers
  // keep the input as written; the checker and the merge model runc's reading.
  std::vector<Arg> args;

  friend bool operator==(const Rule&, const Rule&) = default;
};

struct Policy {
  Action default_action = Action::allow;
  std::optional<uint32_t> default_errno;  // OCI defaultErrnoRet
  std::vector<std::string> architectures; // "SCMP_ARCH_X86_64", ...
  std::vector<std::string> flags;         // "SECCOMP_FILTER_FLAG_LOG", ...
  std::string listener_path;              // notify: refused by the checker
  std::string listener_metadata;
  std::vector<Rule> syscalls;

  friend bool operator==(const Policy&, const Policy&) = default;
};

// OCI spellings. parse_* throw ProfileError naming the bad value.
std::string_view action_name(Action a);  // kill_thread -> "SCMP_ACT_KILL"
Action parse_action(std::string_view oci_name);
std::string_view op_name(Op op);
Op parse_op(std::string_view oci_name);

}  // namespace nri_seccomp::seccomp
