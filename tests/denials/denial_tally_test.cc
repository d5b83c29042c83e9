// Aggregation of denials: one line when a key is first seen, then at most one
// per interval with the running count; bounded keys.
#include <gtest/gtest.h>

#include "denials/denial_tally.h"

namespace nri_seccomp::denials {
namespace {

using namespace std::chrono_literals;

const Subject kWeb{"c1", "shop", "web-7d9", "app", "block-mkdir", "enforce"};

TEST(DenialTally, FirstSightingLogsThenOncePerInterval) {
  DenialTally tally(16, 60s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  auto first = tally.add(kWeb, "mkdirat", "errno", "mkdir", 1000, t0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->count, 1u);
  EXPECT_EQ(first->subject.pod, "web-7d9");
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(tally.add(kWeb, "mkdirat", "errno", "mkdir", 2000 + i, t0 + 1s));
  EXPECT_TRUE(tally.due(t0 + 30s).empty());
  auto due = tally.due(t0 + 61s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 11u);
  EXPECT_EQ(due[0].first_ms, 1000u);
  EXPECT_EQ(due[0].last_ms, 2009u);
  EXPECT_TRUE(tally.due(t0 + 200s).empty()) << "nothing new since the last line";
  // Another action of the same syscall is its own key.
  EXPECT_TRUE(tally.add(kWeb, "mkdirat", "log", "mkdir", 3000, t0 + 62s));
}

TEST(DenialTally, KeysAreBounded) {
  DenialTally tally(3, 60s);
  for (int i = 0; i < 5; ++i) tally.add(kWeb, "syscall#" + std::to_string(i), "kill_process", "x", 1);
  EXPECT_EQ(tally.snapshot().size(), 3u);
  EXPECT_EQ(tally.dropped_keys(), 2u);
}

}  // namespace
}  // namespace nri_seccomp::denials
