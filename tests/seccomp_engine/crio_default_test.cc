// Our built-in CRI-O RuntimeDefault against the real thing: the linux.seccomp
// CRI-O 1.36.3 wrote into an unannotated RuntimeDefault container's spec
// (tests/data/crio/, dumped from the running runtime; 1.37.0-dev wrote the
// same bytes). Both are compiled with libseccomp and must give the same
// kernel answer for every syscall x86_64 knows, with the argument values
// their conditions single out.
#include <gtest/gtest.h>

#include <seccomp.h>

#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"
#include "support.h"

namespace nri_seccomp::seccomp {
namespace {

TEST(CrioRuntimeDefault, CompilesToWhatCrioItselfRuns) {
  ReadOptions options;
  options.format = Format::oci_json;
  Policy crio = read_profile_file(std::string(NRI_SECCOMP_SOURCE_DIR) + "/tests/data/crio/runtime-default-spec-1.36.3.json", options);
  Policy ours = runtime_default(default_container_context(RuntimeDefault::cri_o), RuntimeDefault::cri_o);
  testing::Filter theirs_filter(crio), ours_filter(ours);

  // Arguments where CRI-O's conditions change the answer: socket families
  // (AF_NETLINK 16 with NETLINK_AUDIT 9, AF_VSOCK 40, neighbours), clone's
  // namespace flags, personality values.
  const std::vector<testing::Args> args = {
      {0, 0, 0, 0, 0, 0},          {16, 3, 9, 0, 0, 0},  {16, 3, 0, 0, 0, 0},  {40, 1, 0, 0, 0, 0},
      {39, 1, 0, 0, 0, 0},         {41, 1, 0, 0, 0, 0},  {2, 1, 0, 0, 0, 0},   {15, 1, 0, 0, 0, 0},
      {17, 1, 0, 0, 0, 0},         {0x10000000, 0, 0, 0, 0, 0}, {0x00020000, 0, 0, 0, 0, 0},
      {0x11, 0, 0, 0, 0, 0},       {8, 0, 0, 0, 0, 0},   {0xffffffff, 0, 0, 0, 0, 0},
      {0x1'0000'0028ull, 0, 0, 0, 0, 0}};
  int compared = 0;
  const std::pair<const char*, uint32_t> arches[] = {
      {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X86", SCMP_ARCH_X86}, {"SCMP_ARCH_X32", SCMP_ARCH_X32}};
  for (const auto& [arch, token] : arches) {
    // x32 numbers carry bit 30; 0x40000000 + 600 covers them.
    const int first = token == SCMP_ARCH_X32 ? 0x40000000 : 0;
    for (int nr = first; nr < first + 600; ++nr) {
      char* name = seccomp_syscall_resolve_num_arch(token, nr);
      if (name == nullptr) continue;
      free(name);
      for (const auto& a : args) {
        EXPECT_EQ(ours_filter.answer_nr(arch, nr, a), theirs_filter.answer_nr(arch, nr, a))
            << arch << " syscall " << nr << " args[0]=" << a[0] << " args[2]=" << a[2];
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 15000);
}

}  // namespace
}  // namespace nri_seccomp::seccomp
