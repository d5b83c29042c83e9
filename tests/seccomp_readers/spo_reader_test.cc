#include <gtest/gtest.h>

#include <map>

#include "seccomp/reader.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

using test::read_error;

// A lookup over an in-memory set of named profiles.
BaseLookup lookup_in(std::map<std::string, std::string> profiles) {
  return [profiles = std::move(profiles)](std::string_view name) -> std::optional<std::string> {
    auto it = profiles.find(std::string(name));
    if (it == profiles.end()) return std::nullopt;
    return it->second;
  };
}

std::string spo(const std::string& name, const std::string& base, const std::string& default_action,
                const std::string& syscall) {
  std::string out = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
                    "metadata:\n  name: " + name + "\nspec:\n";
  if (!base.empty()) out += "  baseProfileName: " + base + "\n";
  out += "  defaultAction: " + default_action + "\n  syscalls:\n    - action: SCMP_ACT_ALLOW\n      names: [" +
         syscall + "]\n";
  return out;
}

Policy read_with(const std::string& text, BaseLookup lookup, const std::string& source = "child.yaml") {
  ReadOptions options;
  options.source_name = source;
  options.base_lookup = std::move(lookup);
  return read_profile(text, options);
}

std::string error_with(const std::string& text, BaseLookup lookup) {
  return test::error_of([&] { read_with(text, std::move(lookup)); });
}

TEST(SpoReader, ChildOnBaseFromFiles) {
  std::string child = test::slurp(test::data_path("spo-child.yaml"));
  EXPECT_EQ(detect_format(child), Format::spo_yaml);
  Policy p = read_with(child, lookup_in({{"base", test::slurp(test::data_path("spo-base.yaml"))}}));
  EXPECT_EQ(p.default_action, Action::log);  // the child's wins
  EXPECT_EQ(p.architectures, std::vector<std::string>{"SCMP_ARCH_X86_64"});  // inherited
  ASSERT_EQ(p.syscalls.size(), 3u);
  EXPECT_EQ(p.syscalls[0].names, (std::vector<std::string>{"read", "write", "exit_group"}));  // base first
  EXPECT_EQ(p.syscalls[1].names, (std::vector<std::string>{"mkdir", "mkdirat"}));
  EXPECT_EQ(p.syscalls[1].action, Action::errno_ret);
  EXPECT_EQ(p.syscalls[1].errno_ret, 38u);  // errnoRet: "38" (v1beta1 string)
  EXPECT_EQ(p.syscalls[2].args, (std::vector<Arg>{{2, 0x40, 0, Op::masked_eq}}));
}

TEST(SpoReader, StandaloneWithoutBaseNeedsNoLookup) {
  Policy p = read_with(spo("solo", "", "SCMP_ACT_ERRNO", "read"), nullptr);
  EXPECT_EQ(p.default_action, Action::errno_ret);
  ASSERT_EQ(p.syscalls.size(), 1u);
}

TEST(SpoReader, ErrnoNameAndBaseInOciJson) {
  std::string child = spo("c", "oci-base", "SCMP_ACT_ERRNO", "write") +
                      "    - action: SCMP_ACT_ERRNO\n      errnoRet: ENOSYS\n      names: [clone3]\n";
  Policy p = read_with(child, lookup_in({{"oci-base", R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
      "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})"}}));
  EXPECT_EQ(p.default_errno, 38u);  // kept: the child keeps the base's default action
  ASSERT_EQ(p.syscalls.size(), 3u);
  EXPECT_EQ(p.syscalls[0].names, std::vector<std::string>{"read"});
  EXPECT_EQ(p.syscalls[2].errno_ret, 38u);
}

TEST(SpoReader, ThreeLevelChain) {
  auto lookup = lookup_in({{"b", spo("b", "c", "SCMP_ACT_ERRNO", "write")},
                           {"c", spo("c", "", "SCMP_ACT_ERRNO", "read")}});
  Policy p = read_with(spo("a", "b", "SCMP_ACT_ERRNO", "exit"), lookup);
  ASSERT_EQ(p.syscalls.size(), 3u);
  EXPECT_EQ(p.syscalls[0].names, std::vector<std::string>{"read"});
  EXPECT_EQ(p.syscalls[1].names, std::vector<std::string>{"write"});
  EXPECT_EQ(p.syscalls[2].names, std::vector<std::string>{"exit"});
}

TEST(SpoReaderErrors, BaseCycleNamesTheChain) {
  auto lookup = lookup_in({{"b", spo("b", "c", "SCMP_ACT_ERRNO", "write")},
                           {"c", spo("c", "a", "SCMP_ACT_ERRNO", "read")},
                           {"a", spo("a", "b", "SCMP_ACT_ERRNO", "exit")}});
  EXPECT_EQ(error_with(spo("a", "b", "SCMP_ACT_ERRNO", "exit"), lookup),
            "profile c (base of b): spec.baseProfileName (line 6): base profile cycle: a -> b -> c -> a");
}

TEST(SpoReaderErrors, SelfReference) {
  EXPECT_EQ(error_with(spo("a", "a", "SCMP_ACT_ERRNO", "exit"), lookup_in({})),
            "profile child.yaml: spec.baseProfileName (line 6): base profile cycle: a -> a");
}

TEST(SpoReaderErrors, DepthLimit) {
  std::map<std::string, std::string> chain;
  for (int i = 1; i <= 12; ++i) {
    chain["p" + std::to_string(i)] = spo("p" + std::to_string(i), "p" + std::to_string(i + 1), "SCMP_ACT_ERRNO", "read");
  }
  EXPECT_EQ(error_with(spo("p0", "p1", "SCMP_ACT_ERRNO", "read"), lookup_in(chain)),
            "profile p8 (base of p7): spec.baseProfileName (line 6): base profile chain deeper than 8: "
            "p0 -> p1 -> p2 -> p3 -> p4 -> p5 -> p6 -> p7 -> p8 -> p9");
}

TEST(SpoReaderErrors, MissingBaseAndMissingLookup) {
  EXPECT_EQ(error_with(spo("a", "ghost", "SCMP_ACT_ERRNO", "read"), lookup_in({})),
            "profile child.yaml: spec.baseProfileName (line 6): base profile \"ghost\" not found "
            "(chain: a -> ghost)");
  EXPECT_EQ(error_with(spo("a", "ghost", "SCMP_ACT_ERRNO", "read"), nullptr),
            "profile child.yaml: spec.baseProfileName (line 6): base profile \"ghost\" cannot be "
            "resolved: no profile lookup is configured");
}

TEST(SpoReaderErrors, ErrorsInsideABaseNameTheBase) {
  auto lookup = lookup_in({{"b", "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
                                 "spec:\n  defaultAction: SCMP_ACT_NOPE\n"}});
  EXPECT_STARTS_WITH(error_with(spo("a", "b", "SCMP_ACT_ERRNO", "read"), lookup),
            "profile b (base of a): spec.defaultAction (line 4): unknown action \"SCMP_ACT_NOPE\" (accepted: SCMP");
}

TEST(SpoReaderErrors, UnknownFieldWithLine) {
  std::string text = spo("a", "", "SCMP_ACT_ERRNO", "read") + "      errno: 1\n";
  EXPECT_EQ(error_with(text, nullptr),
            "profile child.yaml: spec.syscalls[0].errno (line 10): unknown field (accepted here: "
            "names, action, errnoRet, args)");
}

TEST(SpoReaderErrors, WrongApiVersionAndBadErrno) {
  EXPECT_EQ(error_with("apiVersion: v1\nkind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_LOG\n", nullptr),
            "profile child.yaml: apiVersion (line 1): \"v1\" is not a Security Profiles Operator API "
            "version (expected security-profiles-operator.x-k8s.io/v1beta1)");
  std::string text = spo("a", "", "SCMP_ACT_ERRNO", "read") +
                     "    - action: SCMP_ACT_ERRNO\n      errnoRet: EFOO\n      names: [x]\n";
  EXPECT_EQ(error_with(text, nullptr),
            "profile child.yaml: spec.syscalls[1].errnoRet (line 11): unknown errno \"EFOO\" (expected "
            "a Linux errno name like EPERM or ENOSYS, or a number)");
}

TEST(SpoReaderErrors, YamlTypesAreChecked) {
  // An unquoted number where a string is required, and a quoted number where
  // an integer is required.
  std::string text = spo("a", "", "SCMP_ACT_ERRNO", "read") +
                     "      args:\n        - index: \"1\"\n          op: SCMP_CMP_EQ\n";
  EXPECT_EQ(error_with(text, nullptr),
            "profile child.yaml: spec.syscalls[0].args[0].index (line 11): expected an unsigned integer, got string");
  EXPECT_EQ(error_with(spo("a", "", "SCMP_ACT_ERRNO", "123"), nullptr),
            "profile child.yaml: spec.syscalls[0].names[0] (line 9): expected a string, got number");
}

TEST(SpoReaderErrors, MalformedAndDuplicateYaml) {
  EXPECT_EQ(error_with("kind: SeccompProfile\nspec: [unclosed\n", nullptr),
            "profile child.yaml: malformed YAML at line 3, column 1: end of sequence flow not found");
  EXPECT_EQ(error_with("kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_LOG\n  defaultAction: SCMP_ACT_ALLOW\n", nullptr),
            "profile child.yaml: spec (line 4): duplicate key \"defaultAction\"");
  EXPECT_EQ(error_with("kind: SeccompProfile\n---\nkind: SeccompProfile\n", nullptr),
            "profile child.yaml: expected exactly one YAML document, found more");
}

}  // namespace
}  // namespace nri_seccomp::seccomp
