// Classic BPF interpreter for seccomp programs (see bpf_eval.h).
#include "seccomp/bpf_eval.h"

#include <cstring>

#include <fmt/format.h>

#include "common/error.h"

namespace nri_seccomp::seccomp {
namespace {

// Classic BPF opcode fields (linux/bpf_common.h).
constexpr uint16_t cls(uint16_t code) { return code & 0x07; }
constexpr uint16_t size(uint16_t code) { return code & 0x18; }
constexpr uint16_t mode(uint16_t code) { return code & 0xe0; }
constexpr uint16_t op(uint16_t code) { return code & 0xf0; }
constexpr uint16_t src(uint16_t code) { return code & 0x08; }

constexpr uint16_t kLd = 0x00, kLdx = 0x01, kSt = 0x02, kStx = 0x03, kAlu = 0x04,
                   kJmp = 0x05, kRet = 0x06, kMisc = 0x07;
constexpr uint16_t kW = 0x00;
constexpr uint16_t kImm = 0x00, kAbs = 0x20, kMem = 0x60, kLen = 0x80;
constexpr uint16_t kAdd = 0x00, kSub = 0x10, kMul = 0x20, kDiv = 0x30, kOr = 0x40,
                   kAnd = 0x50, kLsh = 0x60, kRsh = 0x70, kNeg = 0x80, kMod = 0x90,
                   kXor = 0xa0;
constexpr uint16_t kJa = 0x00, kJeq = 0x10, kJgt = 0x20, kJge = 0x30, kJset = 0x40;
constexpr uint16_t kSrcX = 0x08;
constexpr uint16_t kRetK = 0x00, kRetA = 0x10;
constexpr uint16_t kTax = 0x00, kTxa = 0x80;
constexpr size_t kDataSize = 64;
constexpr size_t kMaxInsns = 4096;
constexpr size_t kScratch = 16;

// seccomp_data as the kernel lays it out in memory on the filter's arch.
std::array<uint8_t, kDataSize> layout(const SeccompData& d, bool big_endian) {
  std::array<uint8_t, kDataSize> out{};
  auto put32 = [&](size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      const int shift = big_endian ? 8 * (3 - i) : 8 * i;
      out[off + i] = static_cast<uint8_t>(v >> shift);
    }
  };
  auto put64 = [&](size_t off, uint64_t v) {
    const auto lo = static_cast<uint32_t>(v), hi = static_cast<uint32_t>(v >> 32);
    put32(off, big_endian ? hi : lo);
    put32(off + 4, big_endian ? lo : hi);
  };
  put32(0, static_cast<uint32_t>(d.nr));
  put32(4, d.arch);
  put64(8, d.instruction_pointer);
  for (size_t i = 0; i < d.args.size(); ++i) put64(16 + 8 * i, d.args[i]);
  return out;
}

uint32_t load32(const std::array<uint8_t, kDataSize>& mem, size_t off, bool big_endian) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 8 * (3 - i) : 8 * i;
    v |= static_cast<uint32_t>(mem[off + i]) << shift;
  }
  return v;
}

}  // namespace

uint32_t ret_value(Action action, uint32_t data) {
  switch (action) {
    case Action::kill_process: return kRetKillProcess;
    case Action::kill_thread: return kRetKillThread;
    case Action::trap: return kRetTrap;
    case Action::errno_ret: return kRetErrno | (data & 0xffff);
    case Action::notify: return kRetUserNotif;
    case Action::trace: return kRetTrace | (data & 0xffff);
    case Action::log: return kRetLog;
    case Action::allow: return kRetAllow;
  }
  return kRetKillProcess;
}

Action action_of_ret(uint32_t ret) {
  switch (ret_action(ret)) {
    case kRetKillProcess: return Action::kill_process;
    case kRetKillThread: return Action::kill_thread;
    case kRetTrap: return Action::trap;
    case kRetErrno: return Action::errno_ret;
    case kRetUserNotif: return Action::notify;
    case kRetTrace: return Action::trace;
    case kRetLog: return Action::log;
    case kRetAllow: return Action::allow;
  }
  fail("seccomp return value {:#010x} is no seccomp action", ret);
}

std::string describe_ret(uint32_t ret) {
  switch (ret_action(ret)) {
    case kRetKillProcess: return "KILL_PROCESS";
    case kRetKillThread: return "KILL_THREAD";
    case kRetTrap: return "TRAP";
    case kRetErrno: return fmt::format("ERRNO({})", ret_data(ret));
    case kRetUserNotif: return "NOTIFY";
    case kRetTrace: return fmt::format("TRACE({})", ret_data(ret));
    case kRetLog: return "LOG";
    case kRetAllow: return "ALLOW";
  }
  return fmt::format("INVALID({:#010x})", ret);
}

std::vector<BpfInsn> decode_bpf(std::span<const uint8_t> bytes) {
  if (bytes.size() % 8 != 0) {
    fail("BPF program of {} bytes is not a whole number of 8-byte instructions", bytes.size());
  }
  std::vector<BpfInsn> out(bytes.size() / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t* p = bytes.data() + 8 * i;
    std::memcpy(&out[i].code, p, 2);
    out[i].jt = p[2];
    out[i].jf = p[3];
    std::memcpy(&out[i].k, p + 4, 4);
  }
  return out;
}

uint32_t evaluate(std::span<const BpfInsn> program, const SeccompData& data, bool big_endian) {
  if (program.empty()) fail("BPF program is empty");
  if (program.size() > kMaxInsns) {
    fail("BPF program has {} instructions (kernel limit {})", program.size(), kMaxInsns);
  }
  const auto mem = layout(data, big_endian);
  uint32_t a = 0, x = 0;
  std::array<uint32_t, kScratch> scratch{};
  size_t pc = 0;
  auto bad = [&](std::string_view why) -> uint32_t {
    fail("BPF instruction {} (code {:#06x}, k {:#x}): {}", pc, program[pc].code, program[pc].k, why);
  };
  auto jump = [&](size_t offset) {
    // Offsets are relative to the next instruction and only go forward.
    if (pc + 1 + offset >= program.size()) bad("jump past the end of the program");
    pc = pc + 1 + offset;
  };
  while (pc < program.size()) {
    const BpfInsn& in = program[pc];
    switch (cls(in.code)) {
      case kLd:
      case kLdx: {
        uint32_t v = 0;
        if (mode(in.code) == kAbs && cls(in.code) == kLd) {
          if (size(in.code) != kW) return bad("seccomp loads must be 32-bit words");
          if (in.k % 4 != 0 || in.k > kDataSize - 4) return bad("load outside seccomp_data");
          v = load32(mem, in.k, big_endian);
        } else if (mode(in.code) == kImm) {
          v = in.k;
        } else if (mode(in.code) == kMem) {
          if (in.k >= kScratch) return bad("scratch slot out of range");
          v = scratch[in.k];
        } else if (mode(in.code) == kLen) {
          v = kDataSize;
        } else {
          return bad("unsupported load mode");
        }
        (cls(in.code) == kLd ? a : x) = v;
        ++pc;
        break;
      }
      case kSt:
      case kStx:
        if (in.k >= kScratch) return bad("scratch slot out of range");
        scratch[in.k] = cls(in.code) == kSt ? a : x;
        ++pc;
        break;
      case kAlu: {
        const uint32_t operand = src(in.code) == kSrcX ? x : in.k;
        switch (op(in.code)) {
          case kAdd: a += operand; break;
          case kSub: a -= operand; break;
          case kMul: a *= operand; break;
          case kDiv:
            if (operand == 0) return bad("division by zero");
            a /= operand;
            break;
          case kMod:
            if (operand == 0) return bad("division by zero");
            a %= operand;
            break;
          case kOr: a |= operand; break;
          case kAnd: a &= operand; break;
          case kXor: a ^= operand; break;
          case kLsh: a = operand >= 32 ? 0 : a << operand; break;
          case kRsh: a = operand >= 32 ? 0 : a >> operand; break;
          case kNeg: a = 0U - a; break;
          default: return bad("unsupported ALU operation");
        }
        ++pc;
        break;
      }
      case kJmp: {
        if (op(in.code) == kJa) {
          if (pc + 1 + static_cast<uint64_t>(in.k) >= program.size()) {
            return bad("jump past the end of the program");
          }
          pc = pc + 1 + in.k;
          break;
        }
        const uint32_t operand = src(in.code) == kSrcX ? x : in.k;
        bool taken = false;
        switch (op(in.code)) {
          case kJeq: taken = a == operand; break;
          case kJgt: taken = a > operand; break;
          case kJge: taken = a >= operand; break;
          case kJset: taken = (a & operand) != 0; break;
          default: return bad("unsupported jump");
        }
        jump(taken ? in.jt : in.jf);
        break;
      }
      case kRet:
        if ((in.code & 0x18) == kRetK) return in.k;
        if ((in.code & 0x18) == kRetA) return a;
        return bad("unsupported return source");
      case kMisc:
        if ((in.code & 0xf8) == kTax) x = a;
        else if ((in.code & 0xf8) == kTxa) a = x;
        else return bad("unsupported misc operation");
        ++pc;
        break;
      default:
        return bad("unknown instruction class");
    }
  }
  fail("BPF program falls off its end without returning");
}

}  // namespace nri_seccomp::seccomp
