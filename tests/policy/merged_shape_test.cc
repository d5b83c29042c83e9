// The daemon's check of a new merged combination when libseccomp compiles it
// wrong (issue 12): what the container and the cache get is an equivalent
// shape that verifies, or a refusal if none does.
// The policies are ones this machine's libseccomp 2.5.4 really miscompiles
// (tests/seccomp_engine/kernel_test.cc loads the first one in the kernel).
#include <gtest/gtest.h>

#include "helpers.h"
#include "policy/decision.h"
#include "policy/engine.h"
#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/nri_convert.h"
#include "seccomp/reader.h"
#include "seccomp/writer.h"

#include <seccomp.h>

namespace nri_seccomp::policy {
namespace {

using seccomp::Policy;

Policy parse(const std::string& json) { return seccomp::read_profile(json, {}); }

// KILL setsockopt everywhere, written as three rules; 2.5.4 compiles it into
// a filter that allows setsockopt(5, 131072).
const char* kThreeKillRules = R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[
  {"names":["setsockopt"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":5,"op":"SCMP_CMP_NE"}]},
  {"names":["setsockopt"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":5,"op":"SCMP_CMP_EQ"},{"index":1,"value":131072,"op":"SCMP_CMP_EQ"}]},
  {"names":["setsockopt"],"action":"SCMP_ACT_KILL","args":[{"index":1,"value":131072,"op":"SCMP_CMP_NE"}]}]})";

// ALLOW ioctl if a0 < 0x10000001 or a0 < 0x155555555 (runc ORs conditions on
// one index); 2.5.4 answers ERRNO at 0x10000001 in both rule orders, and the
// disjoint cut needs more condition sets than the engine writes.
const char* kUnfixable = R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[
  {"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":268435457,"op":"SCMP_CMP_LT"},
                                                      {"index":0,"value":5726623061,"op":"SCMP_CMP_LT"}]}]})";

class MergedShapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_test_profiles(profiles.path());
    EngineOptions o;
    o.profile_dirs = {profiles.path()};
    engine = std::make_unique<Engine>(o);
    state = engine->state();
  }

  // A pending check as decide() hands it back (not cached until checked).
  PendingCheck pending(const Policy& policy, const std::string& key) {
    auto ready = std::make_shared<ReadyAdjustment>();
    ready->hash = seccomp::policy_hash(policy);
    seccomp::to_nri(policy, ready->seccomp);
    ready->annotations = {{applied_profiles_key(test::kPrefix), "a,b"}, {policy_hash_key(test::kPrefix), ready->hash}};
    return {key, ready, std::make_shared<const Policy>(policy), "profiles a,b merged into base runtime-default:containerd"};
  }

  // What the filter compiled from the handed-out section answers on x86_64.
  static uint32_t answer(const ReadyAdjustment& ready, const std::string& syscall, const std::array<uint64_t, 6>& args) {
    seccomp::CompileOptions o;
    o.verify = false;  // the raw libseccomp answer, as the runtime would get it
    const auto compiled = seccomp::check_and_compile(seccomp::from_nri(ready.seccomp), o);
    const auto arch = seccomp::arch_info("SCMP_ARCH_X86_64");
    seccomp::SeccompData data;
    data.nr = *seccomp::syscall_number(arch, syscall);
    data.arch = arch.audit_arch;
    data.args = args;
    return seccomp::evaluate(seccomp::decode_bpf(compiled.programs.at(0).bpf), data);
  }

  testing::TempDir profiles;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const State> state;
};

TEST_F(MergedShapeTest, APolicyLibseccompCompilesWrongIsReplacedByAShapeThatVerifies) {
  const Policy merged = parse(kThreeKillRules);
  const auto check = pending(merged, "k1");
  ASSERT_EQ(answer(*check.ready, "setsockopt", {5, 131072}), SCMP_ACT_ALLOW) << "libseccomp compiles the shape right now";

  const auto checked = check_pending(*state, check);
  EXPECT_EQ(checked->check_error, "");
  EXPECT_EQ(checked->shape, "disjoint rules");
  EXPECT_EQ(state->decisions.find("k1"), checked);  // later requests get the shape
  // What the runtime gets now kills where the policy says so.
  EXPECT_EQ(answer(*checked, "setsockopt", {5, 131072}), SCMP_ACT_KILL);
  EXPECT_EQ(answer(*checked, "setsockopt", {4, 0}), SCMP_ACT_KILL);
  EXPECT_EQ(answer(*checked, "getpid", {}), SCMP_ACT_ALLOW);
  // Its hash and the annotation carrying it follow the new section.
  EXPECT_NE(checked->hash, check.ready->hash);
  EXPECT_EQ(checked->hash, seccomp::policy_hash(seccomp::from_nri(checked->seccomp)));
  EXPECT_EQ(checked->annotations, (std::vector<std::pair<std::string, std::string>>{
                                      {applied_profiles_key(test::kPrefix), "a,b"}, {policy_hash_key(test::kPrefix), checked->hash}}));
  EXPECT_EQ(reshaped_warning(*checked),
            "libseccomp " + seccomp::libseccomp_version() +
                " compiles the merged policy as written into a filter that decides otherwise; handed out as the equivalent "
                "shape \"disjoint rules\", which verifies");
}

TEST_F(MergedShapeTest, APolicyNoShapeFixesIsRefused) {
  const auto check = pending(parse(kUnfixable), "k2");
  const auto checked = check_pending(*state, check);
  EXPECT_EQ(checked->shape, "");
  EXPECT_EQ(checked->check_error.rfind("profiles a,b merged into base runtime-default:containerd fail the seccomp check: libseccomp " +
                                           seccomp::libseccomp_version() +
                                           " compiles this policy wrong in every equivalent shape tried (as written, reversed order); "
                                           "refused, never handed out. First failure: verification failed on SCMP_ARCH_X86_64: ioctl",
                                       0),
            0u)
      << checked->check_error;
  EXPECT_EQ(state->decisions.find("k2"), checked);  // later requests are refused with it
}

TEST_F(MergedShapeTest, APolicyThatVerifiesIsHandedOutAsBuilt) {
  const auto check = pending(parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["setsockopt"],"action":"SCMP_ACT_KILL"}]})"), "k3");
  const auto checked = check_pending(*state, check);
  EXPECT_EQ(checked, check.ready);
  EXPECT_EQ(checked->check_error, "");
  EXPECT_EQ(checked->shape, "");
}

}  // namespace
}  // namespace nri_seccomp::policy
