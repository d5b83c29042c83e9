// The audit sources against the real kernel: a child process installs a
// seccomp filter that logs mkdirat (SCMP_ACT_LOG) and denies getppid with
// EPERM under SECCOMP_FILTER_FLAG_LOG, makes both calls and exits; the
// source must deliver both records with the child's pid.
#include <fcntl.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

#include "denials/audit_source.h"

namespace nri_seccomp::denials {
namespace {

pid_t run_filtered_child() {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr || seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(mkdirat), 0) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(getppid), 0) != 0 ||
      seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 || seccomp_load(ctx) != 0) {
    ::_exit(2);
  }
  ::syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-dir/x", 0700);
  ::syscall(SYS_getppid);
  ::_exit(0);
}

TEST(AuditSource, DeliversTheRecordsOfAFilteredProcess) {
  if (::geteuid() != 0) GTEST_SKIP() << "reading audit records needs root (CAP_AUDIT_READ or /dev/kmsg)";
  std::string why;
  auto source = open_audit_source(why);
  ASSERT_TRUE(source) << why;
  const pid_t child = run_filtered_child();
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not install its filter";

  std::vector<SeccompRecord> mine;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (mine.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::vector<SeccompRecord> got;
    ASSERT_TRUE(source->read(std::chrono::milliseconds(200), got));
    for (auto& r : got) {
      if (r.pid == static_cast<uint32_t>(child)) mine.push_back(std::move(r));
    }
  }
  ASSERT_EQ(mine.size(), 2u) << "source " << source->name() << " (" << why << ")";
  EXPECT_EQ(mine[0].syscall, SYS_mkdirat);
  EXPECT_EQ(action_of(mine[0].code), "log");
  EXPECT_EQ(mine[1].syscall, SYS_getppid);
  EXPECT_EQ(action_of(mine[1].code), "errno");
  EXPECT_LT(mine[0].serial, mine[1].serial);
}

}  // namespace
}  // namespace nri_seccomp::denials
