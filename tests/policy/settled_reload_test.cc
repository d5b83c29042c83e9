// A policy file written in place, in chunks, while containers are created:
// no decision ever comes from a part of the file (a prefix of a policy is
// often valid YAML with less in it), and the new policy loads once, whole.
// Plus the decision record that backs the recovery audit.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "helpers.h"
#include "policy/decision_record.h"
#include "policy/engine.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {
namespace {

using namespace std::chrono_literals;

const std::string kOld = test::policy_yaml("defaults:\n  mandatory: [no-ptrace]\n");
// Every prefix that ends after "mode: enforce\n" is valid and selects nothing.
const std::string kNew = test::policy_yaml("defaults:\n  mode: enforce\n  mandatory: [block-mkdir, no-ptrace]\n");

struct Writer {
  enum class How { one_open_fd, open_append_close_per_chunk };
};

// Writes `text` into `path` in place, `chunk` bytes at a time, pausing `pause`.
void write_in_chunks(const std::string& path, const std::string& text, Writer::How how, size_t chunk,
                     std::chrono::milliseconds pause) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  for (size_t off = 0; off < text.size(); off += chunk) {
    if (how == Writer::How::open_append_close_per_chunk && fd < 0) fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    const size_t n = std::min(chunk, text.size() - off);
    ASSERT_EQ(::write(fd, text.data() + off, n), static_cast<ssize_t>(n));
    if (how == Writer::How::open_append_close_per_chunk) {
      ::close(fd);
      fd = -1;
    }
    std::this_thread::sleep_for(pause);
  }
  if (fd >= 0) ::close(fd);
}

// Creations run throughout; every one must see the old or the new policy whole.
void expect_never_partial(Writer::How how, std::chrono::milliseconds poll, std::chrono::milliseconds pause) {
  testing::TempDir profiles, work;
  test::write_test_profiles(profiles.path());
  const std::string config = work.file("policy.yaml");
  test::write_file(config, kOld);
  EngineOptions o;
  o.profile_dirs = {profiles.path()};
  o.config_path = config;
  o.context = seccomp::default_container_context();
  o.poll_interval = poll;
  Engine engine(o);
  engine.set_runtime("containerd", "v2.3.4");
  engine.start_watching();

  std::atomic<bool> stop{false};
  std::set<std::string> seen;
  std::thread creations([&] {
    while (!stop) {
      ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
      const Decision d = engine.decide(test::make_request({}), response);
      std::string profiles;
      for (const auto& p : d.profiles) profiles += p + ",";
      seen.insert(std::string(outcome_name(d.outcome)) + ":" + profiles);
      std::this_thread::sleep_for(2ms);
    }
  });
  write_in_chunks(config, kNew, how, 7, pause);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (engine.stats().generation < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(5 * poll);
  stop = true;
  creations.join();
  engine.stop_watching();

  EXPECT_EQ(seen, (std::set<std::string>{"applied:no-ptrace,", "applied:block-mkdir,no-ptrace,"}));
  const auto stats = engine.stats();
  EXPECT_EQ(stats.generation, 2u) << "loaded once, for the whole file";
  EXPECT_EQ(stats.reload_ok, 1u);
  EXPECT_EQ(stats.reload_error, 0u) << "no half-written file was even tried";
}

// One writer holding the file open, pausing longer than a poll between
// chunks: only the open write (inotify) tells the file is not complete yet.
TEST(SettledReload, AWriterHoldingTheFileOpenIsWaitedFor) {
  expect_never_partial(Writer::How::one_open_fd, 20ms, 30ms);
}

// Chunks appended by separate opens, quicker than the poll: the file must
// stay unchanged across two polls before it is loaded.
TEST(SettledReload, AFileStillChangingBetweenPollsIsWaitedFor) {
  expect_never_partial(Writer::How::open_append_close_per_chunk, 100ms, 20ms);
}

TEST(DecisionRecord, SurvivesARestartAndForgetsGoneContainers) {
  testing::TempDir dir;
  const std::string path = dir.file("state/decisions.json");
  {
    DecisionRecord record(path);
    record.confirm("c1", {"default", "web", "app", "block-mkdir", "enforce", "h1", "w1", 3});
    record.confirm("c2", {"default", "db", "app", "no-ptrace", "complain", "h2", "w2", 3});
    record.keep_only({"c1"});
  }  // written on destruction at the latest
  DecisionRecord again(path);
  const auto entries = again.snapshot();
  ASSERT_EQ(entries.size(), 1u);
  const auto& e = entries.at("c1");
  EXPECT_EQ(e.pod, "web");
  EXPECT_EQ(e.profiles, "block-mkdir");
  EXPECT_EQ(e.wire_hash, "w1");
  EXPECT_EQ(e.generation, 3u);
}

TEST(DecisionRecord, AnUnreadableFileStartsEmpty) {
  testing::TempDir dir;
  const std::string path = dir.file("decisions.json");
  test::write_file(path, "{\"version\":1,\"containers\":{\"c1\":");  // cut short
  DecisionRecord record(path);
  EXPECT_TRUE(record.snapshot().empty());
  record.confirm("c2", {"ns", "p", "c", "x", "enforce", "h", "w", 1});
  record.flush();
  EXPECT_EQ(DecisionRecord(path).snapshot().size(), 1u);
}

}  // namespace
}  // namespace nri_seccomp::policy
