#include <map>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "policy/annotations.h"
#include "policy/names.h"

namespace nri_seccomp::policy {
namespace {

using Map = std::map<std::string, std::string>;
const std::string kPrefix = "seccomp.noderesource.dev";

std::string refusal(std::string_view value) {
  try {
    parse_profile_list(value, "k");
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Annotations, ParsesCommaSeparatedNamesInOrderWithoutDuplicates) {
  auto r = parse_profile_list("block-mkdir, no-ptrace ,block-mkdir", "k");
  EXPECT_EQ(r.names, (std::vector<std::string>{"block-mkdir", "no-ptrace"}));
  EXPECT_FALSE(r.replace);
  EXPECT_EQ(r.key, "k");
}

TEST(Annotations, ReplacePrefixMeansFullReplacement) {
  auto r = parse_profile_list("replace:block-mkdir,no-ptrace", "k");
  EXPECT_TRUE(r.replace);
  EXPECT_EQ(r.names, (std::vector<std::string>{"block-mkdir", "no-ptrace"}));
}

TEST(Annotations, RefusesEmptyAndWhitespaceValues) {
  EXPECT_EQ(refusal(""), "annotation k names no profile (value \"\")");
  EXPECT_EQ(refusal("   "), "annotation k names no profile (value \"   \")");
  EXPECT_EQ(refusal("replace:"), "annotation k names no profile (value \"replace:\")");
}

TEST(Annotations, RefusesEmptyEntries) {
  EXPECT_EQ(refusal("a,,b"), "annotation k has an empty entry at position 2 (value \"a,,b\")");
  EXPECT_EQ(refusal("a,"), "annotation k has an empty entry at position 2 (value \"a,\")");
  EXPECT_EQ(refusal(",a"), "annotation k has an empty entry at position 1 (value \",a\")");
  EXPECT_EQ(refusal("a, ,b"), "annotation k has an empty entry at position 2 (value \"a, ,b\")");
}

TEST(Annotations, RefusesPathTricks) {
  EXPECT_EQ(refusal("/etc/passwd"),
            "annotation k: profile name \"/etc/passwd\" is an absolute path; use the plain profile name");
  EXPECT_EQ(refusal("../secret"),
            "annotation k: profile name \"../secret\" contains a path separator; use the plain profile name");
  EXPECT_EQ(refusal(".."), "annotation k: profile name \"..\" contains \"..\"");
  EXPECT_EQ(refusal("a..b"), "annotation k: profile name \"a..b\" contains \"..\"");
  EXPECT_EQ(refusal("dir\\x"),
            "annotation k: profile name \"dir\\x\" contains a path separator; use the plain profile name");
}

TEST(Annotations, RefusesBadCharacters) {
  EXPECT_EQ(refusal("block mkdir"),
            "annotation k: profile name \"block mkdir\" has ' ' at position 5 (allowed: letters, digits, '-', '_', '.')");
  EXPECT_EQ(refusal(std::string("a\x01", 2)),
            "annotation k: profile name \"a\\x01\" has byte 0x01 at position 1 (allowed: letters, digits, '-', '_', '.')");
  EXPECT_EQ(refusal("-x"), "annotation k: profile name \"-x\" must start with a letter or digit");
  EXPECT_EQ(refusal(".hidden"), "annotation k: profile name \".hidden\" must start with a letter or digit");
}

TEST(Annotations, RefusesOverlongValuesAndTooManyNames) {
  EXPECT_EQ(refusal(std::string(1025, 'a')), "annotation k is 1025 bytes long (at most 1024)");
  std::string seventeen;
  for (int i = 0; i < 17; ++i) seventeen += (i ? ",p" : "p") + std::to_string(i);
  EXPECT_EQ(refusal(seventeen), "annotation k names more than 16 profiles");
  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += (i ? ",p" : "p") + std::to_string(i);
  EXPECT_EQ(parse_profile_list(sixteen, "k").names.size(), 16u);
  EXPECT_EQ(refusal(std::string(254, 'a')), "annotation k: profile name is 254 bytes long (at most 253)");
}

TEST(Annotations, ContainerKeyBeatsPodKeyBeatsPlainKey) {
  Map pod{{kPrefix, "plain"}, {kPrefix + "/pod", "podwide"}, {kPrefix + "/container.app", "mine"}};
  Map container;
  auto r = find_profile_request(kPrefix, "app", pod, container);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->names, std::vector<std::string>{"mine"});
  EXPECT_EQ(r->key, kPrefix + "/container.app");
  EXPECT_EQ(r->where, "pod annotation");

  r = find_profile_request(kPrefix, "sidecar", pod, container);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->names, std::vector<std::string>{"podwide"});

  pod.erase(kPrefix + "/pod");
  r = find_profile_request(kPrefix, "sidecar", pod, container);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->names, std::vector<std::string>{"plain"});
  EXPECT_EQ(r->key, kPrefix);
}

TEST(Annotations, ContainerMapWinsOverPodMapForTheSameKey) {
  Map pod{{kPrefix + "/container.app", "from-pod"}};
  Map container{{kPrefix + "/container.app", "from-container"}};
  auto r = find_profile_request(kPrefix, "app", pod, container);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->names, std::vector<std::string>{"from-container"});
  EXPECT_EQ(r->where, "container annotation");
}

TEST(Annotations, MoreSpecificKeyOnPodBeatsLessSpecificKeyOnContainer) {
  Map pod{{kPrefix + "/container.app", "specific"}};
  Map container{{kPrefix + "/pod", "general"}};
  auto r = find_profile_request(kPrefix, "app", pod, container);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->names, std::vector<std::string>{"specific"});
}

TEST(Annotations, OtherPrefixesAndContainersAreIgnored) {
  Map pod{{"other.example.com/pod", "x"}, {kPrefix + "/container.other", "y"}};
  EXPECT_FALSE(find_profile_request(kPrefix, "app", pod, Map{}));
}

TEST(Annotations, BadValueUnderTheWinningKeyIsAnError) {
  Map pod{{kPrefix + "/container.app", "../x"}, {kPrefix + "/pod", "fine"}};
  EXPECT_THROW(find_profile_request(kPrefix, "app", pod, Map{}), Error);
}

TEST(Names, ProfileNameOfFile) {
  EXPECT_EQ(profile_name_of_file("block-mkdir.json"), "block-mkdir");
  EXPECT_EQ(profile_name_of_file("a.yaml"), "a");
  EXPECT_EQ(profile_name_of_file("a.yml"), "a");
  EXPECT_EQ(profile_name_of_file("v1.2.json"), "v1.2");
  EXPECT_FALSE(profile_name_of_file("README.md"));
  EXPECT_FALSE(profile_name_of_file(".json"));
  EXPECT_FALSE(profile_name_of_file("..data"));
  EXPECT_FALSE(profile_name_of_file(".hidden.json"));
}

}  // namespace
}  // namespace nri_seccomp::policy
