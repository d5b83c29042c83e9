// Hostile or broken input: size, nesting, duplicate keys, malformed syntax.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "seccomp/reader.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

using test::read_error;

TEST(Limits, ProfileSizeLimit) {
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW"})";
  text.append(kMaxProfileBytes + 1 - text.size(), ' ');
  EXPECT_EQ(read_error(text), "profile test.json: 1048577 bytes exceeds the limit of 1048576 bytes");
  text.pop_back();  // exactly at the limit is fine
  EXPECT_EQ(test::read(text).default_action, Action::allow);
}

TEST(Limits, FileSizeLimit) {
  char path[] = "/tmp/nri-seccomp-readers-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << R"({"defaultAction": "SCMP_ACT_ALLOW"})" << std::string(2 * kMaxProfileBytes, ' ');
  }
  std::string message = test::error_of([&] { read_profile_file(path, {}); });
  std::remove(path);
  EXPECT_EQ(message, std::string("profile ") + path + ": 2097187 bytes exceeds the limit of 1048576 bytes");
}

TEST(Limits, JsonNestingIsBounded) {
  std::string deep = R"({"defaultAction": "SCMP_ACT_ALLOW", "x": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_STARTS_WITH(read_error(deep), "profile test.json: x[0][0][0][0][0][0][0");
  EXPECT_NE(read_error(deep).find(": nesting deeper than 64 levels"), std::string::npos);
}

TEST(Limits, YamlFlowNestingIsBounded) {
  std::string deep = "kind: SeccompProfile\nspec: " + std::string(100000, '[') + "\n";
  EXPECT_EQ(read_error(deep, Format::auto_detect, "p.yaml"),
            "profile p.yaml: YAML line 2: nesting deeper than 64 levels");
}

TEST(Limits, YamlBlockNestingIsBounded) {
  std::string deep = "kind: SeccompProfile\nspec:\n";
  for (int i = 0; i < 300; ++i) deep += "- ";
  deep += "x\n";
  EXPECT_EQ(read_error(deep, Format::auto_detect, "p.yaml"),
            "profile p.yaml: YAML line 3 is nested too deeply (indentation over 256)");
  std::string mild = "kind: SeccompProfile\nspec:\n";
  for (int i = 0; i < 100; ++i) mild += "- ";
  mild += "x\n";
  // The 65th container (the root map is the first) is refused.
  std::string path = "spec";
  for (int i = 0; i < 63; ++i) path += "[0]";
  EXPECT_EQ(read_error(mild, Format::auto_detect, "p.yaml"),
            "profile p.yaml: " + path + ": nesting deeper than 64 levels");
}

TEST(Limits, YamlAliasExpansionIsBounded) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", " : "") + "*" + prev;
    bomb += "]\n";
    prev = c;
  }
  EXPECT_EQ(read_error(bomb, Format::spo_yaml, "bomb.yaml"),
            "profile bomb.yaml: YAML document has more than 1000000 nodes (aliases?)");
}

TEST(Limits, YamlAliasesWorkWithinBudget) {
  Policy p = test::read("apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
                        "spec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n"
                        "  - {action: SCMP_ACT_ALLOW, names: &io [read, write]}\n"
                        "  - {action: SCMP_ACT_LOG, names: *io}\n");
  ASSERT_EQ(p.syscalls.size(), 2u);
  EXPECT_EQ(p.syscalls[1].names, (std::vector<std::string>{"read", "write"}));
}

// yaml-cpp 0.7's LoadAll never returns on a lone ","; the reader must.
TEST(Limits, YamlParserInputsThatUsedToHang) {
  EXPECT_EQ(read_error(",", Format::spo_yaml, "p.yaml"),
            "profile p.yaml: expected exactly one YAML document, found more");
  EXPECT_EQ(read_error(std::string(",\x0c\xc4\0", 4), Format::spo_yaml, "p.yaml").rfind("profile p.yaml: ", 0), 0u);
}

TEST(Limits, DuplicateJsonKeys) {
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_KILL"})"),
            "profile test.json: (top level): duplicate key \"defaultAction\"");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG"},
      {"names": ["b"], "names": ["c"], "action": "SCMP_ACT_LOG"}]})"),
            "profile test.json: syscalls[1]: duplicate key \"names\"");
}

TEST(Limits, MalformedJsonNamesLineAndColumn) {
  EXPECT_EQ(read_error("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [\n    {\"names\": [\"a\"],}\n  ]\n}"),
            "profile test.json: malformed JSON at line 4, column 21: syntax error while parsing object key - "
            "unexpected '}'; expected string literal");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW"} trailing)"),
            "profile test.json: malformed JSON at line 1, column 39: syntax error while parsing value - "
            "invalid literal; last read: '\"SCMP_ACT_ALLOW\"} tra'; expected end of input");
  EXPECT_STARTS_WITH(read_error("{\"defaultAction\": \"SCMP_ACT_\xff\"}"),
            "profile test.json: malformed JSON at line 1, column 29: syntax e");
  EXPECT_EQ(read_error(" \n"), "profile test.json: the profile is empty");
}

}  // namespace
}  // namespace nri_seccomp::seccomp

namespace nri_seccomp::seccomp {
namespace {

// Near the size limit with ~100k distinct names: must read in linear-ish time
// (the suite's own runtime shows a regression; no timing assertion here).
TEST(Limits, LargeProfileNearTheLimitReads) {
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO", "names": [)";
  size_t count = 0;
  while (text.size() < kMaxProfileBytes - 64) {
    text += (count ? ",\"s" : "\"s") + std::to_string(count) + "\"";
    ++count;
  }
  text += "]}]}";
  Policy p = test::read(text);
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(p.syscalls[0].names.size(), count);
  EXPECT_GT(count, 90000u);
}

}  // namespace
}  // namespace nri_seccomp::seccomp
