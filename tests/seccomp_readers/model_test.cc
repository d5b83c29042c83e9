#include <gtest/gtest.h>

#include "common/error.h"
#include "seccomp/model.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

TEST(Model, KillSpellingsBothMeanKillThreadAndPrintAsKill) {
  EXPECT_EQ(parse_action("SCMP_ACT_KILL"), Action::kill_thread);
  EXPECT_EQ(parse_action("SCMP_ACT_KILL_THREAD"), Action::kill_thread);
  EXPECT_EQ(action_name(Action::kill_thread), "SCMP_ACT_KILL");
}

TEST(Model, EveryActionRoundTrips) {
  for (Action a : {Action::kill_process, Action::kill_thread, Action::trap, Action::errno_ret,
                   Action::notify, Action::trace, Action::log, Action::allow}) {
    EXPECT_EQ(parse_action(action_name(a)), a) << action_name(a);
  }
}

TEST(Model, EveryOpRoundTrips) {
  for (Op op : {Op::ne, Op::lt, Op::le, Op::eq, Op::ge, Op::gt, Op::masked_eq}) {
    EXPECT_EQ(parse_op(op_name(op)), op) << op_name(op);
  }
  EXPECT_EQ(op_name(Op::masked_eq), "SCMP_CMP_MASKED_EQ");
}

TEST(Model, BadNamesListTheAcceptedSet) {
  EXPECT_EQ(test::error_of([] { parse_action("SCMP_ACT_NOPE"); }),
            "unknown action \"SCMP_ACT_NOPE\" (accepted: SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, "
            "SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_NOTIFY, SCMP_ACT_TRACE, "
            "SCMP_ACT_LOG, SCMP_ACT_ALLOW)");
  EXPECT_EQ(test::error_of([] { parse_op("scmp_cmp_eq"); }),
            "unknown operator \"scmp_cmp_eq\" (accepted: SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, "
            "SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)");
}

TEST(Model, StricterFollowsKernelPrecedence) {
  EXPECT_TRUE(stricter(Action::kill_process, Action::kill_thread));
  EXPECT_TRUE(stricter(Action::errno_ret, Action::log));
  EXPECT_FALSE(stricter(Action::allow, Action::log));
}

}  // namespace
}  // namespace nri_seccomp::seccomp
