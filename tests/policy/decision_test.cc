// The CreateContainer decision end to end inside the engine: real profile
// files, the real readers/merge/compile, and the resulting NRI policy read
// back with the engine's explain() to check what a syscall would get.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/printable.h"
#include "decision_fixture.h"
#include "helpers.h"
#include "policy/decision.h"
#include "policy/engine.h"
#include "seccomp/explain.h"
#include "seccomp/nri_convert.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {
namespace {

TEST_F(DecisionTest, AnnotatedProfileMergesIntoRuntimeDefault) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "runtime-default:containerd");
  EXPECT_EQ(d.profiles, std::vector<std::string>{"block-mkdir"});
  EXPECT_EQ(d.rule, "defaults");
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("read"), Action::allow);
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);  // the runtime default still applies
  EXPECT_EQ(annotation("applied-profiles"), "block-mkdir");
  EXPECT_EQ(annotation("policy-hash"), d.hash);
  EXPECT_EQ(d.hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(annotation("mode"), "enforce");
}

TEST_F(DecisionTest, UnannotatedContainerIsUntouched) {
  engine();
  auto d = run({});
  EXPECT_EQ(d.outcome, Outcome::untouched);
  EXPECT_EQ(d.reason, "no profile selected");
  EXPECT_FALSE(response.has_adjust());
}

TEST_F(DecisionTest, UnknownProfileIsRefusedNamingPodContainerProfileAndDirs) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir,no-such"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: profile no-such (pod annotation " + kContainerKey +
                          ") is not in the profile dirs [" + profiles.path() + "]");
  EXPECT_FALSE(response.has_adjust());
  EXPECT_THROW(engine_->create_container(make_request({.pod_annotations = {{kContainerKey, "no-such"}}}), response),
               Error);
}

TEST_F(DecisionTest, RefusalMessagesAreValidUtf8WithHostileBytesEscapedNotCut) {
  engine();
  using namespace std::string_literals;
  auto d = run({.pod = "p\xff"s, .pod_annotations = {{kContainerKey, "block-mkdir,x\0\xfe\x1b"s}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_TRUE(is_printable(d.reason)) << d.reason;
  EXPECT_EQ(d.reason.rfind("nri-seccomp: pod default/p\\xff container app: ", 0), 0u) << d.reason;
  EXPECT_NE(d.reason.find("\\x00"), std::string::npos) << d.reason;  // the NUL is shown, nothing after it is lost
}

TEST_F(DecisionTest, RuntimeOverrideAnnotationsAreRefusedOrStripped) {
  engine();
  // Even a container that gets no profile: the annotation would undo RuntimeDefault.
  auto d = run({.pod_annotations = {{"run.oci.seccomp_bpf_data", "AAAA"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "runtime_override");
  EXPECT_NE(d.reason.find("annotations run.oci.seccomp_bpf_data ask the OCI runtime to bypass"), std::string::npos) << d.reason;
  d = run({.container_annotations = {{"run.oci.seccomp_fail_unknown_syscall", "1"}}});
  EXPECT_EQ(d.outcome, Outcome::refused);

  engine("runtimeOverrides: strip\n");
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}, {"run.oci.seccomp_bpf_data", "AAAA"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(response.adjust().annotations().at("-run.oci.seccomp_bpf_data"), "");
  d = run({.container_annotations = {{"run.oci.seccomp.receiver", "/x"}}});
  ASSERT_EQ(d.outcome, Outcome::untouched);
  EXPECT_EQ(response.adjust().annotations().count("-run.oci.seccomp.receiver"), 1u);
  ASSERT_EQ(d.warnings.size(), 1u);
}

TEST_F(DecisionTest, MalformedAnnotationIsRefused) {
  engine();
  auto d = run({.container_annotations = {{kPodKey, "block-mkdir,../../etc/x"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: annotation " + kPodKey +
                          ": profile name \"../../etc/x\" contains a path separator; use the plain profile name");
}

TEST_F(DecisionTest, ContainerSpecificAnnotationBeatsPodWide) {
  engine();
  auto d = run({.pod_annotations = {{kPodKey, "no-ptrace"}, {kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.profiles, std::vector<std::string>{"block-mkdir"});
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("ptrace"), Action::allow);  // the runtime default allows it; no-ptrace is not applied
  auto sidecar = run({.container = "sidecar", .pod_annotations = {{kPodKey, "no-ptrace"}, {kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(sidecar.outcome, Outcome::applied);
  EXPECT_EQ(sidecar.profiles, std::vector<std::string>{"no-ptrace"});
  EXPECT_EQ(action_of("mkdirat"), Action::allow);
  EXPECT_EQ(action_of("ptrace"), Action::errno_ret);
}

TEST_F(DecisionTest, KillProfileGivesKill) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir-kill"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  const auto a = action_of("mkdirat");
  EXPECT_TRUE(a == Action::kill_process || a == Action::kill_thread);
}

TEST_F(DecisionTest, CurrentPolicyFromTheRuntimeIsTheBase) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "current"});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "current-policy");
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("getpid"), Action::allow);
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);  // not in the runtime's allow list
}

TEST_F(DecisionTest, UnknownProfileTypeUsesAssumeWhenUnknown) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = ""});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "runtime-default:containerd(assumed)");
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);

  engine("assumeWhenUnknown: unconfined\n");
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = ""});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "unconfined(assumed)");
  EXPECT_EQ(action_of("reboot"), Action::allow);
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
}

TEST_F(DecisionTest, UnconfinedContainerGetsSelectedProfilesOverNoFilter) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "unconfined");
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("reboot"), Action::allow);
  EXPECT_EQ(run({.profile = "unconfined"}).outcome, Outcome::untouched);
}

TEST_F(DecisionTest, UnconfinedWithoutProfilesIsRefusedWhenPolicyForbidsIt) {
  engine("defaults: {allowUnconfined: false}\n");
  auto d = run({.profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: runs unconfined (unconfined) but the policy "
                      "defaults does not allow unconfined containers (allowUnconfined: false) and no profile was "
                      "selected; give it a seccomp profile or annotate " + kContainerKey);
  EXPECT_EQ(run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"}).outcome,
            Outcome::applied);
  EXPECT_EQ(run({}).outcome, Outcome::untouched);  // RuntimeDefault is not unconfined
}

TEST_F(DecisionTest, ReplaceNeedsPolicyPermission) {
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "replace:block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: pod annotation " + kContainerKey +
                          " asks to replace the base policy with block-mkdir, but the policy defaults does not allow "
                          "replacement (allowReplace: false)");

  engine("rules:\n  - {name: builders, namespaces: [ci], allowReplace: true}\n");
  d = run({.ns = "ci", .pod_annotations = {{kContainerKey, "replace:block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_TRUE(d.replace);
  EXPECT_EQ(d.rule, "builders");
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("reboot"), Action::allow);  // the runtime default is gone
  EXPECT_EQ(annotation("applied-profiles"), "replace:block-mkdir");
}

TEST_F(DecisionTest, AllowedProfilesLimitWhatAnnotationsMayName) {
  engine("defaults: {allowedProfiles: [block-mkdir]}\n");
  EXPECT_EQ(run({.pod_annotations = {{kContainerKey, "block-mkdir"}}}).outcome, Outcome::applied);
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir,allow-all"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: profile allow-all (pod annotation " + kContainerKey +
                          ") is not allowed by the policy defaults (allowedProfiles: [block-mkdir])");
}

TEST_F(DecisionTest, MandatoryProfilesApplyWhateverTheContainerAsks) {
  engine("defaults: {mandatory: [no-ptrace]}\n");
  auto d = run({.profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.profiles, std::vector<std::string>{"no-ptrace"});
  EXPECT_EQ(action_of("ptrace"), Action::errno_ret);
  EXPECT_EQ(action_of("mkdirat"), Action::allow);

  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied);
  EXPECT_EQ(d.profiles, (std::vector<std::string>{"no-ptrace", "block-mkdir"}));
  EXPECT_EQ(action_of("ptrace"), Action::errno_ret);
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(annotation("applied-profiles"), "no-ptrace,block-mkdir");
}

TEST_F(DecisionTest, MissingMandatoryProfileRefusesEvenWithFallback) {
  engine("onMissingProfile: fallback\ndefaults: {mandatory: [gone]}\n");
  auto d = run({});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: profile gone (mandatory in defaults) is not in the "
                      "profile dirs [" + profiles.path() + "]");
}

TEST_F(DecisionTest, DefaultProfilesApplyOnlyWithoutAnnotation) {
  engine("defaults: {profiles: [no-ptrace]}\n");
  auto d = run({.profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied);
  EXPECT_EQ(d.profiles, std::vector<std::string>{"no-ptrace"});
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  EXPECT_EQ(d.profiles, std::vector<std::string>{"block-mkdir"});
  EXPECT_EQ(action_of("ptrace"), Action::allow);
}

TEST_F(DecisionTest, MissingProfileFallbackSkipsIt) {
  engine("onMissingProfile: fallback\n");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir,no-such"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.profiles, std::vector<std::string>{"block-mkdir"});
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("profile no-such"), std::string::npos);
  d = run({.pod_annotations = {{kContainerKey, "no-such"}}});
  EXPECT_EQ(d.outcome, Outcome::untouched);
  EXPECT_EQ(d.reason, "no usable profile (onMissingProfile: fallback)");
}

TEST_F(DecisionTest, BrokenProfileIsRefusedWithItsLoadError) {
  test::write_file(profiles.file("broken.json"), "{ nope");
  engine();
  auto d = run({.pod_annotations = {{kContainerKey, "broken"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  const std::string head = "nri-seccomp: pod default/demo container app: profile broken (pod annotation " +
                           kContainerKey + ") is broken: ";
  EXPECT_EQ(d.reason.rfind(head, 0), 0u) << d.reason;
  EXPECT_NE(d.reason.find(profiles.file("broken.json")), std::string::npos);
}

TEST_F(DecisionTest, ModeOffAndExemptLeaveContainersUntouched) {
  engine("defaults: {mandatory: [no-ptrace]}\nrules:\n  - {name: sys, namespaces: [kube-system], exempt: true}\n"
         "  - {name: legacy, podSelector: {matchLabels: {legacy: 'true'}}, mode: off}\n");
  auto d = run({.ns = "kube-system", .pod_annotations = {{kContainerKey, "../bad"}}});
  EXPECT_EQ(d.outcome, Outcome::untouched);
  EXPECT_EQ(d.reason, "exempt by rule sys");
  EXPECT_FALSE(response.has_adjust());
  d = run({.pod_labels = {{"legacy", "true"}}});
  EXPECT_EQ(d.outcome, Outcome::untouched);
  EXPECT_EQ(d.reason, "mode off (rule legacy)");
  EXPECT_EQ(run({}).outcome, Outcome::applied);
}

TEST_F(DecisionTest, ComplainModeLogsWhatWouldBeDenied) {
  engine("defaults: {mode: complain}\n");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.mode, Mode::complain);
  EXPECT_EQ(action_of("mkdirat"), Action::log);
  EXPECT_EQ(action_of("read"), Action::allow);
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);  // the base's own denial stays
  EXPECT_EQ(annotation("mode"), "complain");
}

TEST_F(DecisionTest, ComplainModeOverNoFilterLogsOnly) {
  engine("defaults: {mode: complain, mandatory: [no-ptrace]}\n");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(action_of("mkdirat"), Action::log);
  EXPECT_EQ(action_of("ptrace"), Action::log);
  EXPECT_EQ(action_of("reboot"), Action::allow);
}

TEST_F(DecisionTest, OldRuntimeRefusesContainersThatNeedAProfile) {
  engine("", "containerd", "2.1.9+unknown");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: runtime containerd 2.1.9+unknown cannot apply "
                      "seccomp adjustments (needs >= 2.2.0); refusing to create the container without its seccomp "
                      "profiles block-mkdir");
  EXPECT_EQ(run({}).outcome, Outcome::untouched);  // nothing to apply: passes
}

TEST_F(DecisionTest, OldRuntimeCanBeAllowedThroughByPolicy) {
  engine("unsupportedRuntime: allow\n", "cri-o", "1.33.0");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  EXPECT_EQ(d.outcome, Outcome::untouched);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("runtime cri-o 1.33.0 cannot apply seccomp adjustments (needs >= 1.34.0)"),
            std::string::npos);
  EXPECT_FALSE(response.has_adjust());
}

TEST_F(DecisionTest, LocalhostProfilesAreReadOnlyInsideTheKubeletRoot) {
  ASSERT_EQ(::mkdir(work.file("kubelet").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(work.file("kubelet/profiles").c_str(), 0755), 0);
  test::write_file(work.file("kubelet/profiles/audit.json"),
                   R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO"}]})");
  test::write_file(work.file("outside.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  engine("kubeletSeccompRoot: " + work.file("kubelet") + "\n");

  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost",
                .localhost_ref = work.file("kubelet/profiles/audit.json")});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "localhost:" + work.file("kubelet/profiles/audit.json"));
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("ptrace"), Action::allow);

  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost",
           .localhost_ref = "profiles/audit.json"});
  EXPECT_EQ(d.outcome, Outcome::applied) << d.reason;

  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost",
           .localhost_ref = work.file("kubelet/../outside.json")});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: Localhost seccomp profile " +
                          work.file("kubelet/../outside.json") + " resolves to " + work.file("outside.json") +
                          ", outside the kubelet seccomp root " + work.file("kubelet"));

  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost", .localhost_ref = "localhost/"});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: Localhost seccomp profile localhost/ names no file");
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost", .localhost_ref = ""});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason, "nri-seccomp: pod default/demo container app: Localhost seccomp profile without a path "
                      "(localhost_ref is empty)");
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost",
           .localhost_ref = work.file("kubelet/missing.json")});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_NE(d.reason.find("No such file or directory"), std::string::npos) << d.reason;
}

TEST_F(DecisionTest, LocalhostFileChangesAreSeen) {
  ASSERT_EQ(::mkdir(work.file("kubelet").c_str(), 0755), 0);
  const auto path = work.file("kubelet/p.json");
  test::write_file(path, R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO"}]})");
  engine("kubeletSeccompRoot: " + work.file("kubelet") + "\n");
  RequestSpec spec{.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "localhost", .localhost_ref = path};
  ASSERT_EQ(run(spec).outcome, Outcome::applied);
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);
  test::write_file(path + ".new", R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["swapon"],"action":"SCMP_ACT_ERRNO"}]})");
  ASSERT_EQ(::rename((path + ".new").c_str(), path.c_str()), 0);
  auto d = run(spec);
  ASSERT_EQ(d.outcome, Outcome::applied);
  EXPECT_FALSE(d.cache_hit);
  EXPECT_EQ(action_of("reboot"), Action::allow);
  EXPECT_EQ(action_of("swapon"), Action::errno_ret);
}

TEST_F(DecisionTest, WarmRequestsComeFromTheCache) {
  engine();
  RequestSpec spec{.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "current"};
  auto first = run(spec);
  ASSERT_EQ(first.outcome, Outcome::applied);
  EXPECT_FALSE(first.cache_hit);
  const std::string first_bytes = response.adjust().linux().SerializeAsString();
  using Annotations = std::map<std::string, std::string>;
  const Annotations first_annotations(response.adjust().annotations().begin(), response.adjust().annotations().end());
  auto second = run(spec);
  EXPECT_TRUE(second.cache_hit);
  EXPECT_EQ(response.adjust().linux().SerializeAsString(), first_bytes);
  EXPECT_EQ(Annotations(response.adjust().annotations().begin(), response.adjust().annotations().end()),
            first_annotations);

  // A different current policy is a different base: no hit.
  auto request = make_request(spec);
  request.mutable_container()->mutable_linux()->mutable_seccomp_policy()->mutable_syscalls(0)->add_names("reboot");
  response.Clear();
  auto third = engine_->decide(request, response);
  ASSERT_EQ(third.outcome, Outcome::applied);
  EXPECT_FALSE(third.cache_hit);
  EXPECT_EQ(action_of("reboot"), Action::allow);

  auto s = engine_->stats();
  EXPECT_EQ(s.applied, 3u);
  EXPECT_EQ(s.cache_hits, 1u);
  EXPECT_EQ(s.cache_misses, 2u);
}

TEST_F(DecisionTest, ObserverAndStatsSeeEveryDecision) {
  engine();
  std::vector<Decision> seen;
  engine_->set_observer([&](const Decision& d) { seen.push_back(d); });
  run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  run({});
  run({.pod_annotations = {{kContainerKey, "nope"}}});
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].outcome, Outcome::applied);
  EXPECT_EQ(seen[1].outcome, Outcome::untouched);
  EXPECT_EQ(seen[2].outcome, Outcome::refused);
  EXPECT_EQ(seen[2].pod_namespace, "default");
  auto s = engine_->stats();
  EXPECT_EQ(s.applied, 1u);
  EXPECT_EQ(s.untouched, 1u);
  EXPECT_EQ(s.refused, 1u);
  EXPECT_TRUE(s.store_loaded);
  EXPECT_EQ(s.profiles_loaded, 5u);
  EXPECT_EQ(s.profiles_broken, 0u);
}

TEST_F(DecisionTest, AuditLogGetsOneJsonLinePerDecision) {
  engine("auditLog: " + work.file("audit.jsonl") + "\n");
  run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  run({.pod_annotations = {{kContainerKey, "nope"}}});
  std::ifstream in(work.file("audit.jsonl"));
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["outcome"], "applied");
  EXPECT_EQ(lines[0]["namespace"], "default");
  EXPECT_EQ(lines[0]["pod"], "demo");
  EXPECT_EQ(lines[0]["container"], "app");
  EXPECT_EQ(lines[0]["base"], "runtime-default:containerd");
  EXPECT_EQ(lines[0]["profiles"], nlohmann::json::array({"block-mkdir"}));
  EXPECT_EQ(lines[0]["mode"], "enforce");
  EXPECT_EQ(lines[0]["policy_rule"], "defaults");
  EXPECT_TRUE(lines[0]["duration_us"].is_number());
  EXPECT_EQ(lines[1]["outcome"], "refused");
  EXPECT_EQ(lines[1]["reason"].get<std::string>().rfind("nri-seccomp: pod default/demo container app: ", 0), 0u);
}

TEST_F(DecisionTest, ConfigThatFailsToLoadStopsTheEngine) {
  EngineOptions o;
  o.config_path = work.file("policy.yaml");
  test::write_file(o.config_path, test::policy_yaml("defaults: {mode: loud}\n"));
  try {
    Engine e(o);
    FAIL() << "engine started with an invalid config";
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()), "config " + o.config_path +
                                         ": defaults.mode (line 3): \"loud\" is not one of: enforce, complain, off");
  }
  o.config_path = work.file("absent.yaml");
  EXPECT_THROW(Engine e(o), ProfileError);
}

TEST_F(DecisionTest, EmptyRequestDoesNotCrash) {
  engine();
  ::nri::pkg::api::v1alpha1::CreateContainerRequest empty;
  auto d = engine_->decide(empty, response);
  EXPECT_EQ(d.outcome, Outcome::untouched);
}

}  // namespace
}  // namespace nri_seccomp::policy

namespace nri_seccomp::policy {
namespace {

// A combination whose merged policy fails libseccomp's check although each
// profile passed at load: here the runtime's current policy names an
// architecture libseccomp does not know, which only the compile notices.
::nri::pkg::api::v1alpha1::CreateContainerRequest bad_arch_request() {
  auto request = test::make_request({.pod_annotations = {{"seccomp.noderesource.dev/container.app", "block-mkdir"}},
                                     .profile = "current"});
  request.mutable_container()->mutable_linux()->mutable_seccomp_policy()->add_architectures("SCMP_ARCH_PDP11");
  return request;
}

// The daemon checks a new combination before its first answer: no
// container ever gets a merged policy whose check failed, and the verdict is
// cached for the next request.
TEST(MergedPolicyCheck, NewCombinationIsCheckedBeforeItsFirstAnswer) {
  testing::TempDir profiles;
  test::write_test_profiles(profiles.path());
  EngineOptions o;
  o.profile_dirs = {profiles.path()};
  Engine engine(o);
  engine.set_runtime("containerd", "v2.3.4");
  for (int attempt = 0; attempt < 2; ++attempt) {
    ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
    auto d = engine.decide(bad_arch_request(), response);
    ASSERT_EQ(d.outcome, Outcome::refused) << "attempt " << attempt;
    EXPECT_NE(d.reason.find("SCMP_ARCH_PDP11"), std::string::npos) << d.reason;
    EXPECT_FALSE(response.has_adjust());
    EXPECT_EQ(d.cache_hit, attempt == 1);
  }
}

}  // namespace
}  // namespace nri_seccomp::policy
