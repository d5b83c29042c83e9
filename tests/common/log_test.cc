// The structured log as a log pipeline reads it: every line of --log-format
// json is one JSON object, numbers are numbers, hostile text stays inside its
// string; the text format keeps one event per line.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/log.h"

namespace nri_seccomp {
namespace {

using namespace std::string_literals;

// Runs `body` with stderr redirected into a file; returns the lines written.
template <typename Body>
std::vector<std::string> captured_stderr(Body body) {
  char path[] = "/tmp/nri-seccomp-log-test-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  std::fflush(stderr);
  const int saved = ::dup(2);
  ::dup2(fd, 2);
  body();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ::unlink(path);
  return lines;
}

void log_hostile_events() {
  log::info("decision", {{"pod", "evil\"},{\"x\":1"}, {"container", "nul\0byte"s}, {"reason", "bad \xff utf8\nsecond line"},
                         {"duration_us", 412}, {"generation", uint64_t{18446744073709551615ull}}, {"delta", -3}});
  log::warn("plain", {});
}

TEST(JsonLog, EveryLineIsOneObjectWithNumbersAsNumbers) {
  auto lines = captured_stderr([] {
    log::setup("info", "json");
    log_hostile_events();
  });
  log::setup("info", "text");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);  // throws on `}}` or broken escapes
    EXPECT_TRUE(j.is_object());
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event")) << line;
  }
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["event"], "decision");
  EXPECT_EQ(j["pod"], "evil\"},{\"x\":1");
  EXPECT_FALSE(j.contains("x"));
  EXPECT_EQ(j["container"], "nul\0byte"s);
  EXPECT_TRUE(j["duration_us"].is_number_integer());
  EXPECT_EQ(j["duration_us"], 412);
  EXPECT_EQ(j["generation"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(j["delta"], -3);
  EXPECT_EQ(j["level"], "info");
}

TEST(TextLog, OneEventPerLineWithControlBytesEscaped) {
  auto lines = captured_stderr([] {
    log::setup("info", "text");
    log_hostile_events();
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("container=\"nul\\x00byte\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("reason=\"bad \\xff utf8\\x0asecond line\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("duration_us=412"), std::string::npos);
}

}  // namespace
}  // namespace nri_seccomp
