// The metrics endpoint of the real daemon: `nri-seccomp run --metrics-address`
// against the C++ test runtime, scraped with curl after a sequence of real
// CreateContainer decisions (applied, refused, untouched, warm repeat).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "daemon_process.h"
#include "http_client.h"
#include "realistic_request.h"
#include "test_runtime.h"
#include "transport/rpc_error.h"

namespace nri_seccomp::testing {
namespace {

using metrics::testing::curl_get;

// The daemon logs the port it bound ("metrics_listening address=127.0.0.1:N").
uint16_t bound_port(const DaemonProcess& daemon) {
  std::smatch m;
  const std::string log = daemon.log();
  if (!std::regex_search(log, m, std::regex(R"(metrics_listening address=127\.0\.0\.1:(\d+))"))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

std::string sample(const std::string& body, const std::string& series) {
  for (size_t pos = body.find(series + " "); pos != std::string::npos; pos = body.find(series + " ", pos + 1)) {
    if (pos == 0 || body[pos - 1] == '\n') {
      const auto start = pos + series.size() + 1;
      return body.substr(start, body.find('\n', start) - start);
    }
  }
  return "(absent)";
}

TEST(DaemonMetrics, ScrapeReflectsRealDecisionsAndReadiness) {
  TempDir dir;
  const std::string socket = dir.file("nri.sock");
  TestRuntime runtime(socket);
  DaemonProcess daemon({.args = {"run", "--socket", socket, "--profiles-dir", NRI_SECCOMP_SOURCE_DIR "/config/profiles",
                                 "--metrics-address", "127.0.0.1:0"}});
  ASSERT_TRUE(daemon.wait_for_log("metrics_listening")) << daemon.log();
  const uint16_t port = bound_port(daemon);
  ASSERT_NE(port, 0) << daemon.log();

  runtime.accept_plugin();
  EXPECT_EQ(curl_get(port, "/readyz").status, 503) << "ready before the runtime configured us";
  EXPECT_EQ(curl_get(port, "/healthz").status, 200);
  runtime.configure();
  runtime.synchronize();
  ASSERT_TRUE(daemon.wait_for_log("synchronized"));
  EXPECT_EQ(curl_get(port, "/readyz").status, 200);

  auto annotated = make_realistic_create_request();  // asks for block-mkdir
  const auto answer = runtime.create_container(annotated);  // applied, cold
  runtime.create_container(annotated);               // applied, warm
  // The runtime validates the final adjustment: once as answered, once owned by another plugin.
  EXPECT_FALSE(runtime.validate(TestRuntime::validation_request(annotated, answer)).reject());
  runtime.create_container(annotated);
  EXPECT_TRUE(runtime.validate(TestRuntime::validation_request(annotated, answer, "20-other")).reject());
  auto unknown = annotated;
  (*unknown.mutable_pod()->mutable_annotations())["seccomp.noderesource.dev/container.app"] = "no-such-profile";
  EXPECT_THROW(runtime.create_container(unknown), transport::RpcError);
  auto plain = annotated;
  plain.mutable_pod()->mutable_annotations()->clear();
  plain.mutable_container()->mutable_annotations()->clear();
  plain.mutable_pod()->set_namespace_("team-b");
  runtime.create_container(plain);                   // untouched

  auto scrape = curl_get(port, "/metrics");
  ASSERT_EQ(scrape.status, 200);
  const auto& b = scrape.body;
  EXPECT_EQ(sample(b, R"(nri_seccomp_decisions_total{outcome="applied",mode="enforce",pod_namespace="default"})"), "3") << b;
  EXPECT_EQ(sample(b, R"(nri_seccomp_decisions_total{outcome="refused",mode="enforce",pod_namespace="default"})"), "1");
  EXPECT_EQ(sample(b, R"(nri_seccomp_decisions_total{outcome="untouched",mode="enforce",pod_namespace="team-b"})"), "1");
  EXPECT_EQ(sample(b, R"(nri_seccomp_refusals_total{reason="profile_not_found"})"), "1");
  EXPECT_EQ(sample(b, R"(nri_seccomp_validations_total{result="approved"})"), "1");
  EXPECT_EQ(sample(b, R"(nri_seccomp_validations_total{result="rejected"})"), "1");
  EXPECT_EQ(sample(b, "nri_seccomp_cache_hits_total"), "2");
  EXPECT_EQ(sample(b, "nri_seccomp_cache_misses_total"), "1");
  EXPECT_EQ(sample(b, "nri_seccomp_create_container_duration_seconds_count"), "5");
  EXPECT_EQ(sample(b, "nri_seccomp_registered"), "1");
  EXPECT_NE(sample(b, "nri_seccomp_profiles_loaded"), "0");

  runtime.close_connection();
  ASSERT_TRUE(daemon.wait_for_log("connection_lost"));
  EXPECT_EQ(curl_get(port, "/readyz").status, 503) << "still ready after the runtime went away";
}

}  // namespace
}  // namespace nri_seccomp::testing
