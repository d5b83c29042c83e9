// The recovery audit's judgements on Synchronize snapshots, and the engine
// handing the evictions out in the next answer; plus the deadline budget.
#include <gtest/gtest.h>

#include "decision_fixture.h"
#include "policy/recovery_audit.h"
#include "policy/validation.h"

namespace nri_seccomp::policy {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;

class RecoveryAudit : public DecisionTest {
 protected:
  // Adds a pod and one container to the snapshot. `decided`: the profiles
  // the plugin's decision record holds for it ("applied-profiles" form; empty:
  // no record), and the same as the stamp annotation a pod could also forge.
  api::Container& add(const std::string& ns, const std::string& pod, const std::string& container,
                      std::map<std::string, std::string> pod_annotations, const std::string& decided = "",
                      const std::string& mode = "enforce", api::ContainerState state = api::CONTAINER_RUNNING) {
    const std::string& stamp = decided;
    auto* p = snapshot.add_pods();
    p->set_id("pod-" + ns + "-" + pod);
    p->set_name(pod);
    p->set_namespace_(ns);
    for (const auto& [k, v] : pod_annotations) (*p->mutable_annotations())[k] = v;
    auto* c = snapshot.add_containers();
    c->set_id("ctr-" + ns + "-" + pod + "-" + container);
    c->set_pod_sandbox_id(p->id());
    c->set_name(container);
    c->set_state(state);
    c->mutable_linux()->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::RUNTIME_DEFAULT);
    if (!stamp.empty()) {
      (*c->mutable_annotations())["seccomp.noderesource.dev/applied-profiles"] = stamp;
      (*c->mutable_annotations())["seccomp.noderesource.dev/mode"] = mode;
      record[c->id()] = RecordedDecision{ns, pod, container, decided, mode, "hash", "wire", 1};
    }
    return *c;
  }
  std::vector<Finding> findings(const OwnPod& own = {}) {
    checks = 0;
    auto state = engine_->state();
    // As the engine does: each pending check runs at once and caches its verdict.
    return audit_snapshot(*state, runtime_caps(runtime, version), snapshot, own, record, [&](PendingCheck pending) {
      ++checks;
      return check_pending(*state, pending);
    });
  }
  api::SynchronizeRequest snapshot;
  std::unordered_map<std::string, RecordedDecision> record;
  std::string runtime = "containerd", version = "v2.3.4";
  int checks = 0;
};

const std::map<std::string, std::string> kBlockMkdir = {{"seccomp.noderesource.dev/pod", "block-mkdir"}};

TEST_F(RecoveryAudit, RecordedContainersAreProtectedOthersAreNot) {
  engine();
  add("default", "ok", "app", kBlockMkdir, "block-mkdir");
  add("default", "missed", "app", kBlockMkdir);                       // created while the plugin was away
  add("default", "plain", "app", {});                                  // nothing required
  add("default", "gone", "app", kBlockMkdir, "", "enforce", api::CONTAINER_STOPPED);
  auto f = findings();
  EXPECT_EQ(checks, 1);  // the combination it merged is checked like a request's, not cached unchecked
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container_id, "ctr-default-missed-app");
  EXPECT_EQ(f[0].standing, Standing::unprotected);
  EXPECT_TRUE(f[0].evict());
  EXPECT_EQ(f[0].lacks, "profiles block-mkdir (enforce mode): the plugin has no record of deciding this container");
}

// The attacker's move: create the pod while the plugin is away, with copies
// of the stamps a protected container carries.
TEST_F(RecoveryAudit, ForgedStampsAreNotEvidence) {
  for (const auto& [rt, ver] : {std::pair{"cri-o", "1.36.3"}, std::pair{"containerd", "v2.2.7"}}) {
    runtime = rt;
    version = ver;
    engine("", runtime, version);
    snapshot.Clear();
    record.clear();
    auto& forged = add("default", "forged", "app", {{kPodKey, "block-mkdir"}});
    forged.mutable_linux()->clear_seccomp_profile();
    (*forged.mutable_annotations())["io.kubernetes.cri-o.SeccompProfilePath"] = "Unconfined";
    forged.mutable_linux()->mutable_seccomp_profile()->set_profile_type(api::SecurityProfile::UNCONFINED);
    (*forged.mutable_annotations())["seccomp.noderesource.dev/applied-profiles"] = "block-mkdir";
    (*forged.mutable_annotations())["seccomp.noderesource.dev/mode"] = "enforce";
    (*forged.mutable_annotations())["seccomp.noderesource.dev/policy-hash"] = "0123";
    auto f = findings();
    ASSERT_EQ(f.size(), 1u) << rt;
    EXPECT_EQ(f[0].standing, Standing::unprotected) << rt;
    EXPECT_NE(f[0].lacks.find("the plugin has no record of deciding this container; it carries "
                              "seccomp.noderesource.dev/applied-profiles=block-mkdir but the plugin never decided that for it"),
              std::string::npos)
        << f[0].lacks;
  }
}

// containerd >= 2.3 reports the real policy: the finding says what it lets through.
TEST_F(RecoveryAudit, ForgedStampsOnContainerd23AreJudgedByTheRealPolicy) {
  engine();
  auto& forged = add("default", "forged", "app", kBlockMkdir);
  (*forged.mutable_annotations())["seccomp.noderesource.dev/applied-profiles"] = "block-mkdir";
  forged.mutable_linux()->mutable_seccomp_policy()->set_default_action("SCMP_ACT_ALLOW");
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].standing, Standing::unprotected);
  EXPECT_NE(f[0].lacks.find("containerd v2.3.4 reports its real seccomp policy, which lets mkdir through (SCMP_ACT_ALLOW) "
                            "where profile block-mkdir denies it"),
            std::string::npos)
      << f[0].lacks;
}

// containerd >= 2.3 reports the container's real policy: a record alone is
// not enough when that policy is not the one recorded.
TEST_F(RecoveryAudit, RealPolicyMustBeTheRecordedOne) {
  engine();
  auto& c = add("default", "swapped", "app", kBlockMkdir, "block-mkdir");
  c.mutable_linux()->mutable_seccomp_policy()->set_default_action("SCMP_ACT_ALLOW");
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].standing, Standing::unprotected);
  EXPECT_NE(f[0].lacks.find("containerd v2.3.4 reports another seccomp policy for the container"), std::string::npos) << f[0].lacks;
  // The same policy as recorded (default_errno aside, which NRI drops): protected.
  record[c.id()].wire_hash = policy_wire_hash(c.linux().seccomp_policy());
  c.mutable_linux()->mutable_seccomp_policy()->mutable_default_errno()->set_value(1);
  EXPECT_TRUE(findings().empty());
}

TEST_F(RecoveryAudit, OlderPolicyGenerationsAreStaleNotEvicted) {
  engine("defaults: {mandatory: [no-ptrace]}\n");
  add("default", "old", "app", kBlockMkdir, "block-mkdir");  // before no-ptrace became mandatory
  add("default", "was-complain", "app", kBlockMkdir, "no-ptrace,block-mkdir", "complain");
  add("default", "current", "app", kBlockMkdir, "no-ptrace,block-mkdir");
  auto f = findings();
  ASSERT_EQ(f.size(), 2u);
  for (const auto& finding : f) {
    EXPECT_EQ(finding.standing, Standing::stale) << finding.container_id;
    EXPECT_FALSE(finding.evict());
  }
  EXPECT_NE(f[0].lacks.find("it was created with block-mkdir (enforce mode)"), std::string::npos) << f[0].lacks;
}

TEST_F(RecoveryAudit, ExemptComplainOwnPodAndRefusable) {
  engine(R"(rules:
  - name: system
    namespaces: [kube-system]
    exempt: true
  - name: rollout
    namespaces: [staging]
    mode: complain
)");
  add("kube-system", "dns", "app", kBlockMkdir);
  add("staging", "web", "app", kBlockMkdir);
  add("nri-seccomp", "nri-seccomp-abcde", "plugin", kBlockMkdir);
  add("default", "typo", "app", {{"seccomp.noderesource.dev/pod", "no-such-profile"}});
  auto f = findings({"nri-seccomp", "nri-seccomp-abcde"});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].container_id, "ctr-staging-web-app");
  EXPECT_EQ(f[0].mode, Mode::complain);
  EXPECT_FALSE(f[0].evict());  // complain mode: report only
  EXPECT_EQ(f[1].container_id, "ctr-default-typo-app");
  EXPECT_TRUE(f[1].evict());   // the plugin would have refused it: it must not run
  EXPECT_NE(f[1].lacks.find("no-such-profile"), std::string::npos);
}

TEST_F(RecoveryAudit, EngineEvictsOnceInTheNextAnswerAndReportsTheSummary) {
  engine();
  AuditSummary seen;
  engine_->set_audit_observer([&](const AuditSummary& s) { seen = s; });
  add("default", "missed", "app", kBlockMkdir);
  // "ok" went through CreateContainer and the runtime's validation.
  auto created = make_request({.pod = "ok", .pod_annotations = kBlockMkdir});
  created.mutable_container()->set_id("ctr-default-ok-app");
  ASSERT_EQ(engine_->decide(created, response).outcome, Outcome::applied);
  api::ValidateContainerAdjustmentRequest validation;
  *validation.mutable_pod() = created.pod();
  *validation.mutable_container() = created.container();
  *validation.mutable_adjust() = response.adjust();
  (*(*validation.mutable_owners()->mutable_owners())["ctr-default-ok-app"].mutable_simple())[32] = "10-seccomp";
  ASSERT_EQ(engine_->validate(validation), "");
  add("default", "ok", "app", kBlockMkdir, "block-mkdir");
  engine_->audit(snapshot);
  engine_->wait_for_audit();
  EXPECT_EQ(seen.containers, 2u);
  EXPECT_EQ(seen.unprotected, 1u);
  EXPECT_EQ(seen.to_evict, 1u);

  // Refusals carry no evictions (the answer is an error, not a response).
  auto refused = run({.pod_annotations = {{kContainerKey, "no-such"}}});
  ASSERT_EQ(refused.outcome, Outcome::refused);
  EXPECT_EQ(response.evict_size(), 0);

  auto d = run({});  // any creation, annotated or not
  ASSERT_EQ(d.outcome, Outcome::untouched);
  ASSERT_EQ(response.evict_size(), 1);
  EXPECT_EQ(response.evict(0).container_id(), "ctr-default-missed-app");
  EXPECT_NE(response.evict(0).reason().find("runs without profiles block-mkdir"), std::string::npos);
  EXPECT_EQ(d.evicted, std::vector<std::string>{"ctr-default-missed-app"});
  run({});
  EXPECT_EQ(response.evict_size(), 0);  // once
  EXPECT_EQ(engine_->stats().evictions, 1u);
}

TEST_F(RecoveryAudit, DecisionsPastTheBudgetAreRefusedAndFinishInTheBackground) {
  engine();
  EXPECT_EQ(engine_->budget(), std::chrono::milliseconds(500));  // a quarter of NRI's default 2 s
  engine_->set_request_timeout(std::chrono::milliseconds(1000));
  EXPECT_EQ(engine_->budget(), std::chrono::milliseconds(250));
  // A runtime timeout of 3 ms leaves no budget: the cold merge of a new
  // combination cannot be waited for, so it is refused, never half-answered.
  engine_->set_request_timeout(std::chrono::milliseconds(3));
  auto d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}});
  ASSERT_EQ(d.outcome, Outcome::refused);
  EXPECT_EQ(d.reason_code, "deadline");
  EXPECT_NE(d.reason.find("within its budget of 0 ms"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("merging profiles block-mkdir into base runtime-default:containerd"), std::string::npos) << d.reason;
  // Warm and simple decisions need no budget.
  EXPECT_EQ(run({}).outcome, Outcome::untouched);
  EXPECT_FALSE(response.has_adjust());
  EXPECT_EQ(engine_->stats().deadline_refusals, 1u);

  // The work went on; kubelet's retry finds it in the cache.
  engine_->set_request_timeout(std::chrono::milliseconds(0));  // back to the default budget
  EXPECT_EQ(engine_->budget(), std::chrono::milliseconds(500));
  for (int i = 0; i < 200 && !(d = run({.pod_annotations = {{kContainerKey, "block-mkdir"}}})).cache_hit; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(d.outcome, Outcome::applied) << d.reason;
  EXPECT_TRUE(d.cache_hit);
}

}  // namespace
}  // namespace nri_seccomp::policy
