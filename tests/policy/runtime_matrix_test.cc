// The decision on each row of the runtime capability table, with the inputs
// each runtime really sends (runtimes.md section 3): containerd 2.2.x sends
// the profile type only and crashes on rule errnos; CRI-O sends neither field,
// names its profile in an annotation, and runs its own RuntimeDefault.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "decision_fixture.h"

namespace nri_seccomp::policy {
namespace {

const std::string kCrioProfile = "io.kubernetes.cri-o.SeccompProfilePath";

// True when no rule (and no default) of the handed policy carries an errno:
// what NRI v0.10/v0.11 needs to not crash.
bool carries_no_errno(const ::nri::pkg::api::v1alpha1::LinuxSeccomp& p) {
  if (p.has_default_errno()) return false;
  for (const auto& rule : p.syscalls()) {
    if (rule.has_errno_ret()) return false;
  }
  return true;
}

// A CRI-O request: no seccomp fields, the profile in the annotation.
RequestSpec crio(const std::string& profile_path, std::map<std::string, std::string> pod_annotations) {
  RequestSpec spec{.pod_annotations = std::move(pod_annotations), .profile = ""};
  if (!profile_path.empty()) spec.container_annotations[kCrioProfile] = profile_path;
  return spec;
}

class RuntimeMatrix : public DecisionTest {};

TEST_F(RuntimeMatrix, Containerd22RefusesWhatNeedsARuleErrnoNamingRuntimeSyscallAndFix) {
  engine("", "containerd", "v2.2.7");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "errno_unsupported");
  EXPECT_EQ(d.reason,
            "nri-seccomp: pod default/demo container app: profiles block-mkdir merged into base runtime-default:containerd: "
            "runtime containerd v2.2.7 cannot take an errno on seccomp syscall rules (its NRI crashes on them), and the "
            "exact policy needs errno 38 (ENOSYS) for clone3; upgrade to containerd >= 2.3.0, use a base whose errnos are "
            "all EPERM (Unconfined, or such a Localhost profile), or set unsupportedErrno: approximate (weaker, see "
            "docs/policy.md)");
  EXPECT_FALSE(response.has_adjust());
}

TEST_F(RuntimeMatrix, Containerd22TakesEpermOnlyPoliciesWithoutAnyErrnoField) {
  engine("", "containerd", "v2.2.7");
  for (const char* profile : {"block-mkdir", "block-mkdir-kill", "no-ptrace"}) {
    auto d = run({.pod_annotations = {{kContainerKey, profile}}, .profile = "unconfined"});
    ASSERT_EQ(d.outcome, Outcome::applied) << profile << ": " << d.reason;
    EXPECT_TRUE(carries_no_errno(response.adjust().linux().seccomp_policy())) << profile;
  }
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  ASSERT_EQ(d.outcome, Outcome::applied);
  auto e = explain("mkdirat");
  EXPECT_EQ(e.action, Action::errno_ret);
  EXPECT_EQ(e.data, 1u);  // EPERM, which is what runc gives an ERRNO rule without errnoRet
  EXPECT_EQ(action_of("getpid"), Action::allow);
}

TEST_F(RuntimeMatrix, ApproximationIsOptInAndSaysWhatItChanged) {
  engine("unsupportedErrno: approximate\n", "containerd", "v2.2.7");
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  const auto& policy = response.adjust().linux().seccomp_policy();
  EXPECT_TRUE(carries_no_errno(policy));
  EXPECT_EQ(action_of("clone3"), Action::trace);  // ENOSYS while no tracer is attached
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "unsupportedErrno: approximate: ERRNO(errno 38 (ENOSYS)) -> TRACE for clone3");
  // A cache hit reports the same approximation.
  d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  EXPECT_TRUE(d.cache_hit);
  EXPECT_EQ(d.warnings.size(), 1u);
}

TEST_F(RuntimeMatrix, SameCombinationIsDecidedPerRuntimeNotFromAnotherRuntimesCache) {
  engine("", "containerd", "v2.3.4");
  ASSERT_EQ(run({.pod_annotations = {{kContainerKey, "block-mkdir"}}}).outcome, Outcome::applied);
  EXPECT_FALSE(carries_no_errno(response.adjust().linux().seccomp_policy()));  // clone3 keeps its ENOSYS
  engine_->set_runtime("containerd", "v2.2.7");  // e.g. a rollback, the same daemon reconnecting
  EXPECT_EQ(run({.pod_annotations = {{kContainerKey, "block-mkdir"}}}).outcome, Outcome::refused);
}

TEST_F(RuntimeMatrix, Containerd22BeforeProfileTypeUsesTheAssumption) {
  engine("", "containerd", "2.2.0");  // 2.2.0 does not pass the profile type yet
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}, .profile = "unconfined"});
  EXPECT_EQ(d.base, "runtime-default:containerd(assumed)");
}

TEST_F(RuntimeMatrix, CriOBaseIsTheProfileItNamesInItsAnnotation) {
  engine("", "cri-o", "1.37.0-dev");
  auto d = run(crio("RuntimeDefault", {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "runtime-default:cri-o");
  // containers/common's default: unlisted syscalls fail with ENOSYS (kept as
  // explicit rules, since NRI drops defaultErrnoRet), its own EPERM list stays.
  auto add_key = explain("add_key");
  EXPECT_EQ(add_key.action, Action::errno_ret);
  EXPECT_EQ(add_key.data, 38u);
  auto unshare = explain("unshare");  // needs CAP_SYS_ADMIN, which CRI-O does not give
  EXPECT_EQ(unshare.action, Action::errno_ret);
  EXPECT_EQ(unshare.data, 38u);
  auto vsock = explain("socket", {40});
  EXPECT_EQ(vsock.action, Action::errno_ret);
  EXPECT_EQ(vsock.data, 1u);
  auto audit = explain("socket", {16, 3, 9});  // no CAP_AUDIT_WRITE by default on CRI-O
  EXPECT_EQ(audit.data, 22u);
  EXPECT_EQ(explain("socket", {2, 1, 0}).action, Action::allow);
  EXPECT_EQ(explain("mkdirat").data, 1u);
  EXPECT_EQ(action_of("getpid"), Action::allow);

  d = run(crio("Unconfined", {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "unconfined");
  EXPECT_EQ(action_of("add_key"), Action::allow);
}

TEST_F(RuntimeMatrix, CriOLocalhostPathIsContainedInTheKubeletRoot) {
  ASSERT_EQ(::mkdir(work.file("kubelet").c_str(), 0755), 0);
  test::write_file(work.file("kubelet/audit.json"),
                   R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO"}]})");
  test::write_file(work.file("outside.json"), R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  engine("kubeletSeccompRoot: " + work.file("kubelet") + "\n", "cri-o", "1.36.3");
  auto d = run(crio(work.file("kubelet/audit.json"), {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "localhost:" + work.file("kubelet/audit.json"));
  EXPECT_TRUE(carries_no_errno(response.adjust().linux().seccomp_policy()));
  EXPECT_EQ(action_of("reboot"), Action::errno_ret);
  EXPECT_EQ(action_of("mkdirat"), Action::errno_ret);

  d = run(crio(work.file("outside.json"), {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "localhost_profile_invalid");
  // Unannotated, the same container is left alone: the plugin never needed its base.
  EXPECT_EQ(run(crio(work.file("outside.json"), {})).outcome, Outcome::untouched);
}

TEST_F(RuntimeMatrix, CriO136RefusesItsOwnDefaultsEnosys) {
  engine("", "cri-o", "1.36.3");
  auto d = run(crio("RuntimeDefault", {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "errno_unsupported");
  for (const char* part : {"runtime cri-o 1.36.3", "errno 38 (ENOSYS) for the default action", "errno 22 (EINVAL) for socket",
                           "upgrade to cri-o >= 1.37.0"}) {
    EXPECT_NE(d.reason.find(part), std::string::npos) << part << " in " << d.reason;
  }
  d = run(crio("Unconfined", {{kContainerKey, "block-mkdir-kill"}}));
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_TRUE(carries_no_errno(response.adjust().linux().seccomp_policy()));
}

TEST_F(RuntimeMatrix, CriOWithoutAProfilePathIsNotGuessed) {
  engine("", "cri-o", "1.37.0-dev");
  auto d = run(crio("", {{kContainerKey, "block-mkdir"}}));
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "base_unknown");
  EXPECT_NE(d.reason.find("io.kubernetes.cri-o.SeccompProfilePath is empty"), std::string::npos) << d.reason;
  EXPECT_EQ(run(crio("", {})).outcome, Outcome::untouched);
  // A full replacement does not need the base.
  engine("defaults: {allowReplace: true}\n", "cri-o", "1.37.0-dev");
  EXPECT_EQ(run(crio("", {{kContainerKey, "replace:block-mkdir"}})).outcome, Outcome::applied);
}

TEST_F(RuntimeMatrix, CriOAnnotationSetByTheCriRequestItselfIsNotTrusted) {
  engine("", "cri-o", "1.37.0");
  // CRI-O copies the request's own container annotations over its own value
  // and records them as JSON: a client that is not kubelet could claim Unconfined.
  auto spec = crio("Unconfined", {{kContainerKey, "block-mkdir"}});
  spec.container_annotations["io.kubernetes.cri-o.Annotations"] = R"({"io.kubernetes.cri-o.SeccompProfilePath":"Unconfined"})";
  auto d = run(spec);
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "base_unknown");
  EXPECT_NE(d.reason.find("sets io.kubernetes.cri-o.SeccompProfilePath itself"), std::string::npos) << d.reason;
  // kubelet's request annotations (without the key) are fine.
  spec.container_annotations["io.kubernetes.cri-o.Annotations"] = R"({"io.kubernetes.container.hash":"1"})";
  EXPECT_EQ(run(spec).outcome, Outcome::applied);
}

TEST_F(RuntimeMatrix, OnContainerdTheCriOAnnotationIsNotTrusted) {
  // A pod could set it on containerd; only CRI-O writes it itself.
  engine("", "containerd", "v2.3.4");
  auto spec = crio("Unconfined", {{kContainerKey, "block-mkdir"}});
  spec.profile = "runtime-default";
  auto d = run(spec);
  ASSERT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_EQ(d.base, "runtime-default:containerd");
}

}  // namespace
}  // namespace nri_seccomp::policy
