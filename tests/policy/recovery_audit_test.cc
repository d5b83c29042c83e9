// The recovery audit's judgements on Synchronize snapshots, and the engine
// handing the evictions out in the next answer; plus the deadline budget.
#include <gtest/gtest.h>

#include "decision_fixture.h"
#include "policy/recovery_audit.h"

namespace nri_seccomp::policy {
namespace {

namespace api = ::nri::pkg::api::v1alpha1;

class RecoveryAudit : public DecisionTest {
 protected:
  // Adds a pod and one container to the snapshot; `stamp` as the plugin
  // would have left it (applied-profiles value; empty: no stamp).
  api::Container& add(const std::string& ns, const std::string& pod, const std::string& container,
                      std::map<std::string, std::string> pod_annotations, const std::string& stamp = "",
                      const std::string& mode = "enforce", api::ContainerState state = api::CONTAINER_RUNNING) {
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
    }
    return *c;
  }
  std::vector<Finding> findings(const OwnPod& own = {}) {
    checks = 0;
    auto state = engine_->state();
    // As the engine does: each pending check runs at once and caches its verdict.
    return audit_snapshot(*state, runtime_caps("containerd", "v2.3.4"), snapshot, own, [&](PendingCheck pending) {
      ++checks;
      return check_pending(*state, pending);
    });
  }
  api::SynchronizeRequest snapshot;
  int checks = 0;
};

const std::map<std::string, std::string> kBlockMkdir = {{"seccomp.noderesource.dev/pod", "block-mkdir"}};

TEST_F(RecoveryAudit, StampedContainersAreProtectedUnstampedOnesAreNot) {
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
  EXPECT_EQ(f[0].lacks, "profiles block-mkdir (enforce mode); it carries no seccomp.noderesource.dev/applied-profiles annotation");
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
