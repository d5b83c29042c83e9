// A userspace interpreter for classic-BPF seccomp filters, so tests, `explain`
// and the CLI can ask "what would the kernel answer for this syscall?" without
// installing the filter. Follows the kernel's seccomp BPF rules: loads only
// from the 64-byte seccomp_data, scratch memory M[0..15], forward jumps only.
// A malformed program is an Error (never undefined behaviour).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

struct BpfInsn {
  uint16_t code = 0;
  uint8_t jt = 0;
  uint8_t jf = 0;
  uint32_t k = 0;
};

// What the kernel hands a filter (struct seccomp_data).
struct SeccompData {
  int32_t nr = 0;
  uint32_t arch = 0;
  uint64_t instruction_pointer = 0;
  std::array<uint64_t, 6> args{};
};

// Kernel return values (SECCOMP_RET_*).
inline constexpr uint32_t kRetKillProcess = 0x80000000U;
inline constexpr uint32_t kRetKillThread = 0x00000000U;
inline constexpr uint32_t kRetTrap = 0x00030000U;
inline constexpr uint32_t kRetErrno = 0x00050000U;
inline constexpr uint32_t kRetUserNotif = 0x7fc00000U;
inline constexpr uint32_t kRetTrace = 0x7ff00000U;
inline constexpr uint32_t kRetLog = 0x7ffc0000U;
inline constexpr uint32_t kRetAllow = 0x7fff0000U;

inline constexpr uint32_t ret_action(uint32_t ret) { return ret & 0xffff0000U; }
inline constexpr uint32_t ret_data(uint32_t ret) { return ret & 0x0000ffffU; }

// Model action (+ errno / trace message) <-> kernel return value.
uint32_t ret_value(Action action, uint32_t data = 0);
// Throws Error for a value no seccomp action has.
Action action_of_ret(uint32_t ret);
// "ERRNO(38)", "ALLOW", "KILL_PROCESS", ... for messages and CLI output.
std::string describe_ret(uint32_t ret);

// Decodes exported bytes (host byte order, 8 bytes per instruction).
// Throws Error if the size is not a multiple of 8.
std::vector<BpfInsn> decode_bpf(std::span<const uint8_t> bytes);

// Runs `program` on `data`. `big_endian` selects the layout of the 64-bit
// fields the filter loads 32-bit halves of (the filter's architecture's order).
// Throws Error for an invalid program (bad opcode, out-of-range load or jump,
// falling off the end, more than 4096 instructions).
uint32_t evaluate(std::span<const BpfInsn> program, const SeccompData& data,
                  bool big_endian = false);

}  // namespace nri_seccomp::seccomp
