// The evaluator on hand-written programs: every instruction class libseccomp
// emits, the seccomp_data layout in both byte orders, and refusal of bad
// programs without crashing.
#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "seccomp/bpf_eval.h"

namespace nri_seccomp::seccomp {
namespace {

constexpr uint16_t kLdAbs = 0x20, kJeqK = 0x15, kJgtK = 0x25, kJsetK = 0x45, kRetK = 0x06,
                   kAluAndK = 0x54, kRetA = 0x16, kLdImm = 0x00, kSt = 0x02, kLdMem = 0x60, kJa = 0x05;

TEST(BpfEval, ArchCheckThenSyscallThenArgument) {
  // if arch != 0xc000003e kill; if nr == 83 && (a0.lo & 0xff) > 0x10 errno(1); allow
  std::vector<BpfInsn> p = {
      {kLdAbs, 0, 0, 4},         {kJeqK, 1, 0, 0xc000003e}, {kRetK, 0, 0, kRetKillThread},
      {kLdAbs, 0, 0, 0},         {kJeqK, 0, 3, 83},         {kLdAbs, 0, 0, 16},
      {kAluAndK, 0, 0, 0xff},    {kJgtK, 1, 0, 0x10},       {kRetK, 0, 0, kRetAllow},
      {kRetK, 0, 0, kRetErrno | 1},
  };
  SeccompData d;
  d.arch = 0xc000003e;
  d.nr = 83;
  d.args[0] = 0x1234500000011ULL;  // low byte 0x11 > 0x10
  EXPECT_EQ(evaluate(p, d), kRetErrno | 1);
  d.args[0] = 0x10;
  EXPECT_EQ(evaluate(p, d), kRetAllow);
  d.nr = 2;
  EXPECT_EQ(evaluate(p, d), kRetAllow);
  d.arch = 0x40000003;
  EXPECT_EQ(evaluate(p, d), kRetKillThread);
}

TEST(BpfEval, HighWordLayoutFollowsByteOrder) {
  std::vector<BpfInsn> p = {{kLdAbs, 0, 0, 20}, {kRetA, 0, 0, 0}};  // second word of args[0]
  SeccompData d;
  d.args[0] = 0x1111111122222222ULL;
  EXPECT_EQ(evaluate(p, d, false), 0x11111111U);  // little endian: high half second
  EXPECT_EQ(evaluate(p, d, true), 0x22222222U);   // big endian: low half second
}

TEST(BpfEval, ScratchJsetAndJa) {
  std::vector<BpfInsn> p = {{kLdImm, 0, 0, 0x40}, {kSt, 0, 0, 3},  {kLdImm, 0, 0, 0},
                            {kLdMem, 0, 0, 3},    {kJsetK, 1, 0, 0x40}, {kRetK, 0, 0, 1},
                            {kJa, 0, 0, 1},       {kRetK, 0, 0, 2}, {kRetK, 0, 0, 3}};
  EXPECT_EQ(evaluate(p, SeccompData{}), 3U);
}

TEST(BpfEval, BadProgramsAreErrorsNotCrashes) {
  SeccompData d;
  std::vector<BpfInsn> off_end = {{kLdAbs, 0, 0, 0}};
  EXPECT_THROW(evaluate(off_end, d), Error);
  std::vector<BpfInsn> bad_load = {{kLdAbs, 0, 0, 64}, {kRetK, 0, 0, 0}};
  EXPECT_THROW(evaluate(bad_load, d), Error);
  std::vector<BpfInsn> unaligned = {{kLdAbs, 0, 0, 2}, {kRetK, 0, 0, 0}};
  EXPECT_THROW(evaluate(unaligned, d), Error);
  std::vector<BpfInsn> far_jump = {{kJeqK, 200, 200, 0}, {kRetK, 0, 0, 0}};
  EXPECT_THROW(evaluate(far_jump, d), Error);
  std::vector<BpfInsn> far_ja = {{kJa, 0, 0, 0xffffffff}, {kRetK, 0, 0, 0}};
  EXPECT_THROW(evaluate(far_ja, d), Error);
  std::vector<BpfInsn> bad_mem = {{kLdMem, 0, 0, 16}, {kRetK, 0, 0, 0}};
  EXPECT_THROW(evaluate(bad_mem, d), Error);
  std::vector<BpfInsn> div0 = {{0x34, 0, 0, 0}, {kRetK, 0, 0, 0}};  // A /= 0
  EXPECT_THROW(evaluate(div0, d), Error);
  EXPECT_THROW(evaluate(std::vector<BpfInsn>{}, d), Error);
  const uint8_t seven[7] = {};
  EXPECT_THROW(decode_bpf(seven), Error);
  try {
    evaluate(bad_load, d);
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "BPF instruction 0 (code 0x0020, k 0x40): load outside seccomp_data");
  }
}

TEST(BpfEval, ActionValuesRoundTrip) {
  for (Action a : {Action::kill_process, Action::kill_thread, Action::trap, Action::errno_ret,
                   Action::trace, Action::log, Action::allow}) {
    EXPECT_EQ(action_of_ret(ret_value(a, 7)), a);
  }
  EXPECT_EQ(ret_data(ret_value(Action::errno_ret, 38)), 38U);
  EXPECT_EQ(describe_ret(ret_value(Action::errno_ret, 38)), "ERRNO(38)");
  EXPECT_THROW(action_of_ret(0x12340000U), Error);
}

}  // namespace
}  // namespace nri_seccomp::seccomp

namespace nri_seccomp::seccomp {
namespace {

// Random programs (seeded): the evaluator either answers or throws Error,
// whatever the bytes (a crash or hang here fails the test binary).
TEST(BpfEval, RandomProgramsNeverCrash) {
  std::mt19937_64 rng(4242);
  int answered = 0, refused = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<BpfInsn> p(1 + rng() % 12);
    for (auto& in : p) {
      in.code = static_cast<uint16_t>(rng() % 2 ? rng() % 0x100 : (rng() % 8) | (rng() % 16) << 4);
      in.jt = static_cast<uint8_t>(rng() % 4);
      in.jf = static_cast<uint8_t>(rng() % 4);
      in.k = static_cast<uint32_t>(rng() % 3 ? rng() % 72 : rng());
    }
    SeccompData d;
    d.nr = static_cast<int32_t>(rng());
    d.arch = static_cast<uint32_t>(rng());
    for (auto& a : d.args) a = rng();
    try {
      evaluate(p, d, rng() % 2);
      ++answered;
    } catch (const Error&) {
      ++refused;
    }
  }
  EXPECT_GT(answered, 100);
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace nri_seccomp::seccomp
