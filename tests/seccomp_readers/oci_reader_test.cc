#include <gtest/gtest.h>

#include "seccomp/reader.h"
#include "test_util.h"

namespace nri_seccomp::seccomp {
namespace {

using test::read;
using test::read_error;

// The seed's two example profiles, kept verbatim under tests/data/seed.
std::string seed_profile(const std::string& name) {
  return std::string(NRI_SECCOMP_TEST_DATA) + "/../seed/" + name;
}

TEST(OciReader, SeedErrnoProfileLoadsAsWritten) {
  Policy p = read_profile_file(seed_profile("block-mkdir.json"), {});
  EXPECT_EQ(p.default_action, Action::allow);
  EXPECT_FALSE(p.default_errno.has_value());
  EXPECT_TRUE(p.architectures.empty());
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(p.syscalls[0].names, std::vector<std::string>{"mkdirat"});
  EXPECT_EQ(p.syscalls[0].action, Action::errno_ret);
  EXPECT_FALSE(p.syscalls[0].errno_ret.has_value());
}

TEST(OciReader, SeedKillProfileLoadsAsWritten) {
  Policy p = read_profile_file(seed_profile("block-mkdir-kill.json"), {});
  EXPECT_EQ(p.default_action, Action::allow);
  EXPECT_EQ(p.architectures, std::vector<std::string>{"SCMP_ARCH_X86_64"});
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(p.syscalls[0].names, (std::vector<std::string>{"mkdir", "mkdirat"}));
  EXPECT_EQ(p.syscalls[0].action, Action::kill_thread);
}

TEST(OciReader, ShippedExampleProfilesLoad) {
  Policy p = read_profile_file(std::string(NRI_SECCOMP_CONFIG_DIR) + "/profiles/block-mkdir.json", {});
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(p.syscalls[0].names, (std::vector<std::string>{"mkdir", "mkdirat"}));
  EXPECT_EQ(p.syscalls[0].action, Action::errno_ret);
  p = read_profile_file(std::string(NRI_SECCOMP_CONFIG_DIR) + "/profiles/block-mkdir-kill.json", {});
  EXPECT_EQ(p.syscalls[0].action, Action::kill_thread);
}

TEST(OciReader, AllFields) {
  Policy p = read_profile_file(test::data_path("oci-full.json"), {});
  EXPECT_EQ(p.default_action, Action::errno_ret);
  EXPECT_EQ(p.default_errno, 38u);
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
  EXPECT_EQ(p.flags, std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
  ASSERT_EQ(p.syscalls.size(), 6u);
  EXPECT_EQ(p.syscalls[1].args, (std::vector<Arg>{{0, 8, 0, Op::eq}}));
  EXPECT_EQ(p.syscalls[2].args, (std::vector<Arg>{{0, 2114060288, 0, Op::masked_eq}}));
  EXPECT_EQ(p.syscalls[3].errno_ret, 13u);
  EXPECT_EQ(p.syscalls[4].action, Action::kill_process);
  EXPECT_EQ(p.syscalls[5].action, Action::trap);
  EXPECT_TRUE(p.syscalls[5].args.empty());  // "args": null is absent
}

TEST(OciReader, DuplicateNamesInOneRuleAreDroppedButRepeatedRulesKept) {
  Policy p = read(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "rmdir", "mkdir"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["mkdir"], "action": "SCMP_ACT_KILL_PROCESS"}]})");
  ASSERT_EQ(p.syscalls.size(), 2u);
  EXPECT_EQ(p.syscalls[0].names, (std::vector<std::string>{"mkdir", "rmdir"}));
  EXPECT_EQ(p.syscalls[1].names, std::vector<std::string>{"mkdir"});
}

TEST(OciReader, ValueTwoIsNormalisedForOpsThatIgnoreIt) {
  Policy p = read(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["a"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 5, "valueTwo": 9, "op": "SCMP_CMP_EQ"}]},
      {"names": ["b"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 5, "valueTwo": 9, "op": "SCMP_CMP_MASKED_EQ"}]}]})");
  EXPECT_EQ(p.syscalls[0].args[0].value_two, 0u);
  EXPECT_EQ(p.syscalls[1].args[0].value_two, 9u);
}

TEST(OciReader, NotifyIsParsedSoItCanBeRefusedByName) {
  Policy p = read(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock",
      "listenerMetadata": "x", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})");
  EXPECT_EQ(p.syscalls[0].action, Action::notify);
  EXPECT_EQ(p.listener_path, "/run/agent.sock");
  EXPECT_EQ(p.listener_metadata, "x");
}

TEST(OciReader, Uint64ValuesKeepFullRange) {
  Policy p = read(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"],
      "action": "SCMP_ACT_ERRNO", "args": [{"index": 5, "value": 18446744073709551615, "op": "SCMP_CMP_GE"}]}]})");
  EXPECT_EQ(p.syscalls[0].args[0].value, UINT64_MAX);
  EXPECT_EQ(p.syscalls[0].args[0].index, 5u);
}

TEST(OciReaderErrors, WrongTypes) {
  EXPECT_EQ(read_error(R"({"defaultAction": 3})"),
            "profile test.json: defaultAction: expected a string, got number");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": {}})"),
            "profile test.json: syscalls: expected an array, got object");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "mkdir", "action": "SCMP_ACT_ERRNO"}]})"),
            "profile test.json: syscalls[0].names: expected an array, got string");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": -1})"),
            "profile test.json: defaultErrnoRet: -1 is negative; expected 0..4294967295");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 4294967296})"),
            "profile test.json: defaultErrnoRet: 4294967296 is out of range (0..4294967295)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1.5})"),
            "profile test.json: defaultErrnoRet: 1.5 is not an integer; expected 0..4294967295");
  EXPECT_EQ(read_error(R"([1, 2])"), "profile test.json: (top level): expected an object, got array");
}

TEST(OciReaderErrors, MissingAndUnknownFieldsNameThePath) {
  EXPECT_EQ(read_error(R"({"syscalls": []})"),
            "profile test.json: defaultAction: required field is missing");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["a"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["b"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "vlaue": 2}]}]})"),
            "profile test.json: syscalls[1].args[0].vlaue: unknown field (accepted here: index, "
            "value, valueTwo, op)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "seccomp": true})", Format::oci_json),
            "profile test.json: seccomp: unknown field (accepted here: defaultAction, defaultErrnoRet, "
            "architectures, flags, listenerPath, listenerMetadata, syscalls)");
  // Moby-only keys are unknown when the caller insists on OCI.
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "comment": "x"}]})",
                       Format::oci_json),
            "profile test.json: syscalls[0].comment: unknown field (accepted here: names, action, "
            "errnoRet, args)");
}

TEST(OciReaderErrors, BadNames) {
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_DENY"}]})"),
            "profile test.json: syscalls[0].action: unknown action \"SCMP_ACT_DENY\" (accepted: "
            "SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, "
            "SCMP_ACT_NOTIFY, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_ALLOW)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
      "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}, {"names": ["b"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["c"], "action": "SCMP_ACT_ERRNO"}, {"names": ["d"], "action": "SCMP_ACT_ERRNO",
      "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BETWEEN"}]}]})"),
            "profile test.json: syscalls[3].args[0].op: unknown operator \"SCMP_CMP_BETWEEN\" (accepted: "
            "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
      "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})"),
            "profile test.json: syscalls[0].args[0].index: 6 is out of range (0..5)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]})"),
            "profile test.json: architectures[0]: unknown architecture \"SCMP_ARCH_Z80\" (accepted: "
            "SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, "
            "SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, "
            "SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, "
            "SCMP_ARCH_S390X, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})"),
            "profile test.json: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\" (accepted: "
            "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mk dir"], "action": "SCMP_ACT_ERRNO"}]})"),
            "profile test.json: syscalls[0].names[0]: \"mk dir\" is not a syscall name (letters, "
            "digits and _ only, at most 64)");
  EXPECT_EQ(read_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]})"),
            "profile test.json: syscalls[0].names: must list at least one syscall");
}

TEST(OciReaderErrors, MissingFile) {
  EXPECT_EQ(test::error_of([] { read_profile_file("/nonexistent/p.json", {}); }),
            "profile /nonexistent/p.json: cannot open: No such file or directory");
}

}  // namespace
}  // namespace nri_seccomp::seccomp

namespace nri_seccomp::seccomp {
namespace {

TEST(OciReader, YamlWithoutSpoKindIsReadAsOci) {
  Policy p = test::read("defaultAction: SCMP_ACT_ALLOW\nsyscalls:\n- names: [mkdir]\n  action: SCMP_ACT_ERRNO\n  errnoRet: 13\n",
                        Format::auto_detect, "p.yaml");
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(p.syscalls[0].errno_ret, 13u);
  EXPECT_EQ(test::read_error("defaultAction: SCMP_ACT_ALLOW\nsyscalls:\n- names: [mkdir]\n  action: SCMP_ACT_ERRNO\n  errnoRet: thirteen\n",
                             Format::auto_detect, "p.yaml"),
            "profile p.yaml: syscalls[0].errnoRet (line 5): expected an unsigned integer, got string");
}

}  // namespace
}  // namespace nri_seccomp::seccomp

namespace nri_seccomp::seccomp {
namespace {

TEST(OciReader, NonStrictSkipsUnknownFieldsButChecksTheRest) {
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "x-note": 1,
      "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "comment": "why"}]})";
  ReadOptions options;
  options.source_name = "lax.json";
  options.format = Format::oci_json;
  options.strict = false;
  std::vector<std::string> warnings;
  options.warnings = &warnings;
  Policy p = read_profile(text, options);
  ASSERT_EQ(p.syscalls.size(), 1u);
  EXPECT_EQ(warnings, (std::vector<std::string>{"profile lax.json: x-note: unknown field ignored",
                                                "profile lax.json: syscalls[0].comment: unknown field ignored"}));
  EXPECT_EQ(test::error_of([&] { read_profile(R"({"defaultAction": "SCMP_ACT_NOPE", "y": 1})", options); })
                .rfind("profile lax.json: defaultAction: unknown action", 0),
            0u);
}

}  // namespace
}  // namespace nri_seccomp::seccomp
