#include <map>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "helpers.h"
#include "policy/config.h"
#include "support/daemon_process.h"

namespace nri_seccomp::policy {
namespace {

using test::policy_yaml;

std::string load_error(const std::string& yaml) {
  try {
    parse_config(yaml, "test.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(Config, FullExampleLoads) {
  auto c = parse_config(policy_yaml(R"(
annotationPrefix: seccomp.example.com
profileDirs: [/etc/nri-seccomp/profiles, /srv/profiles]
kubeletSeccompRoot: /var/lib/kubelet/seccomp
assumeWhenUnknown: unconfined
onMissingProfile: fallback
unsupportedRuntime: allow
unsupportedErrno: approximate
unknownSyscalls: ignore
auditLog: /var/log/nri-seccomp/audit.jsonl
metricsAddress: 127.0.0.1:9100
defaults:
  mode: complain
  profiles: [block-mkdir]
  mandatory: [no-ptrace]
  allowedProfiles: [block-mkdir, no-ptrace]
  allowReplace: false
  allowUnconfined: false
rules:
  - name: system
    namespaces: [kube-system]
    exempt: true
  - name: payments
    podSelector:
      matchLabels: {team: payments}
    mode: enforce
    allowReplace: true
)"),
                        "x.yaml");
  EXPECT_EQ(c.annotation_prefix, "seccomp.example.com");
  EXPECT_EQ(c.profile_dirs, (std::vector<std::string>{"/etc/nri-seccomp/profiles", "/srv/profiles"}));
  EXPECT_EQ(c.assume_when_unknown, BaseAssumption::unconfined);
  EXPECT_EQ(c.on_missing_profile, MissingProfile::fallback);
  EXPECT_EQ(c.unsupported_runtime, UnsupportedRuntime::allow);
  EXPECT_EQ(c.unsupported_errno, UnsupportedErrno::approximate);
  EXPECT_EQ(c.unknown_syscalls, UnknownSyscalls::ignore);
  EXPECT_EQ(c.audit_log, "/var/log/nri-seccomp/audit.jsonl");
  EXPECT_EQ(c.metrics_address, "127.0.0.1:9100");
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_TRUE(c.rules[0].exempt);
  EXPECT_EQ(c.rules[1].match_labels, (std::map<std::string, std::string>{{"team", "payments"}}));
}

TEST(Config, DefaultsWhenFieldsAreAbsent) {
  auto c = parse_config(policy_yaml(""), "x");
  EXPECT_EQ(c.annotation_prefix, "seccomp.noderesource.dev");
  EXPECT_EQ(c.kubelet_seccomp_root, "/var/lib/kubelet/seccomp");
  EXPECT_EQ(c.assume_when_unknown, BaseAssumption::runtime_default);
  EXPECT_EQ(c.on_missing_profile, MissingProfile::refuse);
  EXPECT_EQ(c.unsupported_runtime, UnsupportedRuntime::refuse);
  EXPECT_EQ(c.unsupported_errno, UnsupportedErrno::refuse);
  auto e = effective_settings(c, "default", std::map<std::string, std::string>{});
  EXPECT_EQ(e.rule, "defaults");
  EXPECT_EQ(e.mode, Mode::enforce);
  EXPECT_TRUE(e.profiles.empty());
  EXPECT_TRUE(e.mandatory.empty());
  EXPECT_FALSE(e.allowed_profiles);
  EXPECT_FALSE(e.allow_replace);
  EXPECT_TRUE(e.allow_unconfined);
}

TEST(Config, FirstMatchingRuleWinsAndInheritsUnsetFieldsFromDefaults) {
  auto c = parse_config(policy_yaml(R"(
defaults: {mode: enforce, mandatory: [no-ptrace], profiles: [block-mkdir]}
rules:
  - {name: ns-rule, namespaces: [team-a, team-b], mode: complain}
  - {name: label-rule, podSelector: {matchLabels: {tier: web, env: prod}}, profiles: [], allowReplace: true}
  - {name: catch-all, mode: off}
)"),
                        "x");
  using Labels = std::map<std::string, std::string>;
  auto a = effective_settings(c, "team-b", Labels{{"tier", "web"}, {"env", "prod"}});
  EXPECT_EQ(a.rule, "ns-rule");
  EXPECT_EQ(a.mode, Mode::complain);
  EXPECT_EQ(a.mandatory, std::vector<std::string>{"no-ptrace"});
  EXPECT_EQ(a.profiles, std::vector<std::string>{"block-mkdir"});

  auto b = effective_settings(c, "shop", Labels{{"tier", "web"}, {"env", "prod"}, {"x", "y"}});
  EXPECT_EQ(b.rule, "label-rule");
  EXPECT_EQ(b.mode, Mode::enforce);
  EXPECT_TRUE(b.profiles.empty());  // an explicit empty list overrides the defaults
  EXPECT_TRUE(b.allow_replace);

  auto d = effective_settings(c, "shop", Labels{{"tier", "web"}});  // env label missing
  EXPECT_EQ(d.rule, "catch-all");
  EXPECT_EQ(d.mode, Mode::off);
}

TEST(Config, UnknownFieldsAreErrorsWithPathAndLine) {
  EXPECT_EQ(load_error(policy_yaml("profileDir: [/x]\n")),
            "config test.yaml: profileDir (line 3): unknown field (known fields: apiVersion, kind, annotationPrefix, "
            "profileDirs, kubeletSeccompRoot, assumeWhenUnknown, onMissingProfile, unsupportedRuntime, unsupportedErrno, runtimeOverrides, unknownSyscalls, "
            "runtimeLibseccomp, auditLog, metricsAddress, defaults, rules)");
  EXPECT_EQ(load_error(policy_yaml("defaults:\n  mod: enforce\n")),
            "config test.yaml: defaults.mod (line 4): unknown field (known fields: mode, profiles, mandatory, "
            "allowedProfiles, allowReplace, allowUnconfined)");
  EXPECT_EQ(load_error(policy_yaml("rules:\n  - name: a\n    podSelector: {matchLabel: {a: b}}\n")),
            "config test.yaml: rules[0].podSelector.matchLabel (line 5): unknown field (known fields: matchLabels)");
}

TEST(Config, WrongValuesNameTheField) {
  EXPECT_EQ(load_error(policy_yaml("defaults: {mode: strict}\n")),
            "config test.yaml: defaults.mode (line 3): \"strict\" is not one of: enforce, complain, off");
  EXPECT_EQ(load_error(policy_yaml("onMissingProfile: ignore\n")),
            "config test.yaml: onMissingProfile (line 3): \"ignore\" is not one of: refuse, fallback");
  EXPECT_EQ(load_error(policy_yaml("defaults: {allowReplace: maybe}\n")),
            "config test.yaml: defaults.allowReplace (line 3): expected true or false, got \"maybe\"");
  EXPECT_EQ(load_error(policy_yaml("profileDirs: relative/dir\n")),
            "config test.yaml: profileDirs (line 3): expected a list of strings");
  EXPECT_EQ(load_error(policy_yaml("profileDirs: [relative/dir]\n")),
            "config test.yaml: profileDirs[0] (line 3): must be an absolute path");
  EXPECT_EQ(load_error(policy_yaml("defaults: {profiles: [../etc/passwd]}\n")),
            "config test.yaml: defaults.profiles[0] (line 3): profile name \"../etc/passwd\" contains a path "
            "separator; use the plain profile name");
  EXPECT_EQ(load_error(policy_yaml("defaults: {mandatory: [a, a]}\n")),
            "config test.yaml: defaults.mandatory[1] (line 3): profile \"a\" listed twice");
  EXPECT_EQ(load_error(policy_yaml("annotationPrefix: Not_A_Domain\n")),
            "config test.yaml: annotationPrefix (line 3): \"Not_A_Domain\" is not a DNS subdomain (lower-case "
            "letters, digits, '-', '.')");
  EXPECT_EQ(load_error(policy_yaml("rules:\n  - namespaces: [a]\n")),
            "config test.yaml: rules[0].name (line 4): missing (every rule needs a name for logs and audit)");
  EXPECT_EQ(load_error(policy_yaml("rules:\n  - name: a\n  - name: a\n")),
            "config test.yaml: rules[1].name (line 5): rule name \"a\" is used twice");
  EXPECT_EQ(load_error(policy_yaml("rules: {name: a}\n")), "config test.yaml: rules (line 3): expected a list of rules");
}

TEST(Config, HeaderIsRequired) {
  EXPECT_EQ(load_error("kind: SeccompPolicy\n"),
            "config test.yaml: apiVersion (line 1): missing (expected \"seccomp.noderesource.dev/v1alpha1\")");
  EXPECT_EQ(load_error("apiVersion: v1\nkind: SeccompPolicy\n"),
            "config test.yaml: apiVersion (line 1): \"v1\" is not supported (expected "
            "\"seccomp.noderesource.dev/v1alpha1\")");
  EXPECT_EQ(load_error("apiVersion: seccomp.noderesource.dev/v1alpha1\nkind: Policy\n"),
            "config test.yaml: kind (line 2): \"Policy\" is not supported (expected \"SeccompPolicy\")");
  EXPECT_EQ(load_error(""), "config test.yaml: empty document (expected apiVersion and kind)");
  EXPECT_EQ(load_error("- a\n- b\n"), "config test.yaml: <document> (line 1): expected a mapping");
}

TEST(Config, SyntaxErrorsNameTheLine) {
  auto e = load_error(policy_yaml("defaults: {mode: enforce\n"));
  EXPECT_EQ(e.rfind("config test.yaml: line ", 0), 0u) << e;
  EXPECT_NE(e.find("not valid YAML"), std::string::npos) << e;
}

TEST(Config, LoadFileErrorsNameThePath) {
  testing::TempDir dir;
  try {
    load_config_file(dir.file("missing.yaml"));
    FAIL() << "loaded a missing file";
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()), "config " + dir.file("missing.yaml") + ": cannot open: No such file or directory");
  }
  test::write_file(dir.file("big.yaml"), policy_yaml("# " + std::string(2 << 20, 'x') + "\n"));
  EXPECT_THROW(load_config_file(dir.file("big.yaml")), ProfileError);
}

TEST(Config, ShippedExampleConfigsLoad) {
  for (const char* name : {"policy.yaml", "policy-complain.yaml"}) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(load_config_file(test::source_dir() + "/config/" + name));
  }
}

}  // namespace
}  // namespace nri_seccomp::policy

#include <random>

#include "policy/annotations.h"

namespace nri_seccomp::policy {
namespace {

// Hostile bytes must only ever produce our own errors, never a crash or a
// foreign exception type escaping the boundary.
TEST(HostileInput, RandomBytesOnlyProduceErrors) {
  std::mt19937 rng(12345);
  const std::string alphabet = "ab,: -\n\t[]{}&*!|>'\"\\/.%@#replace:\x01\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int len = static_cast<int>(rng() % 200);
    for (int k = 0; k < len; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    try {
      parse_profile_list(s, "k");
    } catch (const Error&) {
    }
    try {
      parse_config(test::policy_yaml(s), "fuzz");
    } catch (const Error&) {
    }
    try {
      parse_config(s, "fuzz");
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace nri_seccomp::policy

namespace nri_seccomp::policy {
namespace {

// The runtime's libseccomp decides which known-bad patterns are refused: a
// typo must not silently mean "the plugin's own".
TEST(Config, RuntimeLibseccompIsAStrictVersion) {
  EXPECT_FALSE(parse_config(policy_yaml(""), "x").runtime_libseccomp);
  const auto c = parse_config(policy_yaml("runtimeLibseccomp: \"2.6.1\"\n"), "x");
  ASSERT_TRUE(c.runtime_libseccomp);
  EXPECT_EQ(c.runtime_libseccomp->text(), "2.6.1");
  EXPECT_EQ(parse_config(policy_yaml("runtimeLibseccomp: 2.5.4\n"), "x").runtime_libseccomp->text(), "2.5.4");
  for (const char* bad : {"2.5", "v2.5.4", "2.5.4-1", "2.5.4.0", "2..4", " 2.5.4", "1000.0.0", "two"}) {
    EXPECT_EQ(load_error(policy_yaml(std::string("runtimeLibseccomp: \"") + bad + "\"\n")),
              std::string("config test.yaml: runtimeLibseccomp (line 3): \"") + bad +
                  "\" is not a libseccomp version (expected MAJOR.MINOR.MICRO, e.g. \"2.5.4\")");
  }
  EXPECT_EQ(load_error(policy_yaml("runtimeLibseccomp: [2, 5, 4]\n")), "config test.yaml: runtimeLibseccomp (line 3): expected a string");
}

// The same nesting bound as profile files: yaml-cpp would recurse per level.
TEST(Config, DeepNestingIsRefusedBeforeTheYamlParserSeesIt) {
  const std::string deep = "apiVersion: seccomp.noderesource.dev/v1alpha1\nkind: SeccompPolicy\nrules: " +
                           std::string(100000, '[') + std::string(100000, ']') + "\n";
  try {
    parse_config(deep, "deep.yaml");
    FAIL() << "accepted";
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config deep.yaml: YAML line 3: nesting deeper than", 0), 0u) << e.what();
  }
  std::string indented = "apiVersion: seccomp.noderesource.dev/v1alpha1\nkind: SeccompPolicy\ndefaults:\n";
  for (int i = 0; i < 300; ++i) indented += std::string(static_cast<size_t>(i + 1), ' ') + "- \n";
  EXPECT_THROW(parse_config(indented, "indented.yaml"), ProfileError);
}

}  // namespace
}  // namespace nri_seccomp::policy
