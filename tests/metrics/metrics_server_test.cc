// The product endpoint end to end: PluginMetrics records a sequence of
// decisions, a real client (curl, and our raw socket client) scrapes
// /metrics, and the text is parsed back and checked series by series.
#include "metrics/metrics_server.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_client.h"

namespace nri_seccomp::metrics {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::curl_get;
using testing::http_get;

// A scrape parsed back: sample lines keyed by "name{labels}", plus the HELP
// and TYPE comment lines.
struct Scrape {
  std::map<std::string, std::string> samples;
  std::map<std::string, std::string> help;
  std::map<std::string, std::string> type;
  std::vector<std::string> sample_order;
};

Scrape parse(const std::string& text) {
  Scrape s;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      s.help[rest.substr(0, sp)] = rest.substr(sp + 1);
    } else if (line.rfind("# TYPE ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      s.type[rest.substr(0, sp)] = rest.substr(sp + 1);
    } else {
      auto sp = line.rfind(' ');
      s.samples[line.substr(0, sp)] = line.substr(sp + 1);
      s.sample_order.push_back(line.substr(0, sp));
    }
  }
  return s;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<MetricsServer>(ListenAddress{"127.0.0.1", 0}, metrics_);
    ASSERT_NE(server_->port(), 0);
    std::cout << "[          ] metrics server on " << server_->address() << "\n";
  }
  PluginMetrics metrics_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, ScrapeShowsRecordedDecisionsWithNamesLabelsAndValues) {
  using namespace std::chrono_literals;
  metrics_.record_decision(Outcome::applied, Mode::enforce, "default");
  metrics_.record_decision(Outcome::applied, Mode::enforce, "default");
  metrics_.record_decision(Outcome::untouched, Mode::enforce, "kube-system");
  metrics_.record_decision(Outcome::refused, Mode::enforce, "team-a");
  metrics_.record_refusal("runtime_too_old");
  metrics_.record_decision(Outcome::applied, Mode::complain, "team-a");
  metrics_.cache_miss();
  metrics_.cache_hit();
  metrics_.cache_hit();
  metrics_.record_reload(true);
  metrics_.record_reload(false);
  metrics_.record_reload(true);
  metrics_.set_store_loaded(true, 3);
  metrics_.set_registered(true);
  // Durations chosen to land in known buckets: 5 us, 40 us, 3 ms, 2 s (+Inf only).
  for (auto d : {std::chrono::nanoseconds(5us), std::chrono::nanoseconds(40us), std::chrono::nanoseconds(3ms),
                 std::chrono::nanoseconds(2s)}) {
    metrics_.observe_create_container(d);
  }
  { auto timer = metrics_.time_create_container(); }  // a fifth observation, via RAII

  auto response = curl_get(server_->port(), "/metrics");
  ASSERT_EQ(response.status, 200);
  auto s = parse(response.body);

  EXPECT_EQ(s.samples[R"(nri_seccomp_decisions_total{outcome="applied",mode="enforce",pod_namespace="default"})"], "2");
  EXPECT_EQ(s.samples[R"(nri_seccomp_decisions_total{outcome="untouched",mode="enforce",pod_namespace="kube-system"})"],
            "1");
  EXPECT_EQ(s.samples[R"(nri_seccomp_decisions_total{outcome="refused",mode="enforce",pod_namespace="team-a"})"], "1");
  EXPECT_EQ(s.samples[R"(nri_seccomp_decisions_total{outcome="applied",mode="complain",pod_namespace="team-a"})"], "1");
  EXPECT_EQ(s.samples[R"(nri_seccomp_refusals_total{reason="runtime_too_old"})"], "1");
  EXPECT_EQ(s.samples["nri_seccomp_cache_hits_total"], "2");
  EXPECT_EQ(s.samples["nri_seccomp_cache_misses_total"], "1");
  EXPECT_EQ(s.samples["nri_seccomp_profiles_loaded"], "3");
  EXPECT_EQ(s.samples[R"(nri_seccomp_reloads_total{result="ok"})"], "2");
  EXPECT_EQ(s.samples[R"(nri_seccomp_reloads_total{result="error"})"], "1");
  EXPECT_EQ(s.samples["nri_seccomp_registered"], "1");
  EXPECT_EQ(s.samples["nri_seccomp_store_loaded"], "1");

  // HELP and TYPE for every family.
  std::map<std::string, std::string> expected_types = {
      {"nri_seccomp_decisions_total", "counter"},
      {"nri_seccomp_refusals_total", "counter"},
      {"nri_seccomp_validations_total", "counter"},
      {"nri_seccomp_create_container_duration_seconds", "histogram"},
      {"nri_seccomp_cache_hits_total", "counter"},
      {"nri_seccomp_cache_misses_total", "counter"},
      {"nri_seccomp_profiles_loaded", "gauge"},
      {"nri_seccomp_reloads_total", "counter"},
      {"nri_seccomp_registered", "gauge"},
      {"nri_seccomp_store_loaded", "gauge"},
      {"nri_seccomp_unprotected_containers", "gauge"},
      {"nri_seccomp_stale_containers", "gauge"},
      {"nri_seccomp_evictions_total", "counter"},
      {"nri_seccomp_killed_containers", "gauge"},
      {"nri_seccomp_libseccomp_info", "gauge"},
  };
  for (const auto& [name, type] : expected_types) {
    EXPECT_EQ(s.type[name], type) << name;
    EXPECT_FALSE(s.help[name].empty()) << name;
  }
  EXPECT_EQ(s.type.size(), expected_types.size());

  // Histogram: 10 us .. 1 s plus +Inf, cumulative, +Inf == _count.
  const std::string h = "nri_seccomp_create_container_duration_seconds";
  std::vector<std::string> les;
  for (const auto& key : s.sample_order) {
    if (key.rfind(h + "_bucket{le=\"", 0) == 0) les.push_back(key.substr(h.size() + 12, key.size() - h.size() - 14));
  }
  ASSERT_EQ(les.size(), create_container_buckets().size() + 1);
  EXPECT_EQ(les.front(), "1e-05");
  EXPECT_EQ(les[les.size() - 2], "1");
  EXPECT_EQ(les.back(), "+Inf");
  uint64_t previous = 0;
  for (const auto& le : les) {
    uint64_t value = std::stoull(s.samples[h + "_bucket{le=\"" + le + "\"}"]);
    EXPECT_GE(value, previous) << "bucket le=" << le << " is not cumulative";
    previous = value;
  }
  EXPECT_EQ(s.samples[h + "_bucket{le=\"1e-05\"}"], "2") << "5 us and the RAII timer's near-zero duration";
  EXPECT_EQ(s.samples[h + "_bucket{le=\"5e-05\"}"], "3");
  EXPECT_EQ(s.samples[h + "_bucket{le=\"0.005\"}"], "4");
  EXPECT_EQ(s.samples[h + "_bucket{le=\"1\"}"], "4");
  EXPECT_EQ(s.samples[h + "_bucket{le=\"+Inf\"}"], "5");
  EXPECT_EQ(s.samples[h + "_count"], "5");
  EXPECT_GE(std::stod(s.samples[h + "_sum"]), 2.003045);
}

TEST_F(MetricsServerTest, MetricsHasThePrometheusContentType) {
  auto r = http_get(server_->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(MetricsServerTest, ReadyzIs503WithTheReasonUntilRegisteredAndLoaded) {
  auto r = curl_get(server_->port(), "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_THAT(r.body, HasSubstr("not registered with the runtime"));
  EXPECT_THAT(r.body, HasSubstr("profile store not loaded"));

  metrics_.set_registered(true);
  r = curl_get(server_->port(), "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "profile store not loaded\n");

  metrics_.set_store_loaded(true, 2);
  r = curl_get(server_->port(), "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ready\n");

  // Losing the runtime connection makes the pod unready again.
  metrics_.set_registered(false);
  r = curl_get(server_->port(), "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not registered with the runtime\n");
}

TEST_F(MetricsServerTest, HealthzIs200FromTheStart) {
  auto r = curl_get(server_->port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST_F(MetricsServerTest, GarbageGets400AndScrapingGoesOn) {
  auto bad = testing::send_raw(server_->port(), "\x01\x02\x03 garbage\r\n\r\n");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(curl_get(server_->port(), "/metrics").status, 200);
  EXPECT_EQ(curl_get(server_->port(), "/nope").status, 404);
}

TEST_F(MetricsServerTest, NamespacesBeyondTheCapGoToOverflow) {
  for (size_t i = 0; i < kMaxNamespaces * 4; ++i) {
    metrics_.record_decision(Outcome::applied, Mode::enforce, "ns-" + std::to_string(i));
  }
  auto s = parse(http_get(server_->port(), "/metrics").body);
  size_t series = 0;
  uint64_t total = 0;
  for (const auto& [key, value] : s.samples) {
    if (key.rfind("nri_seccomp_decisions_total{", 0) == 0) {
      ++series;
      total += std::stoull(value);
    }
  }
  EXPECT_LE(series, kMaxNamespaces * 3);
  EXPECT_EQ(total, kMaxNamespaces * 4) << "overflow must keep every count";
  EXPECT_THAT(s.sample_order,
              Contains(R"(nri_seccomp_decisions_total{outcome="overflow",mode="overflow",pod_namespace="overflow"})"));
}

}  // namespace
}  // namespace nri_seccomp::metrics
