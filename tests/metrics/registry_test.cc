// The registry's text rendering and its guards against bad names, label
// mismatches and label-cardinality blow-ups.
#include "metrics/registry.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace nri_seccomp::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Registry, RendersCounterWithHelpTypeAndLabels) {
  Registry r;
  auto& c = r.counter("demo_total", "Demo things.", {"kind"});
  c.with({"a"}).inc();
  c.with({"a"}).inc(2);
  c.with({"b"}).inc();
  EXPECT_EQ(r.render(),
            "# HELP demo_total Demo things.\n"
            "# TYPE demo_total counter\n"
            "demo_total{kind=\"a\"} 3\n"
            "demo_total{kind=\"b\"} 1\n");
}

TEST(Registry, RendersGaugeWithoutLabels) {
  Registry r;
  auto& g = r.gauge("demo_level", "Level.").get();
  g.set(7);
  g.add(-10);
  EXPECT_EQ(r.render(), "# HELP demo_level Level.\n# TYPE demo_level gauge\ndemo_level -3\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry r;
  r.counter("esc_total", "Line one\nback\\slash", {"v"}).with({"q\"uote\\back\nnl"}).inc();
  auto text = r.render();
  EXPECT_THAT(text, HasSubstr("# HELP esc_total Line one\\nback\\\\slash\n"));
  EXPECT_THAT(text, HasSubstr("esc_total{v=\"q\\\"uote\\\\back\\nnl\"} 1\n"));
}

TEST(Registry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto& h = r.histogram("lat_seconds", "Latency.", {0.1, 0.5, 1.0}).get();
  double expected_sum = 0;
  for (double v : {0.05, 0.1, 0.3, 0.7, 2.0, 3.0}) {
    h.observe(v);
    expected_sum += v;
  }
  EXPECT_EQ(r.render(),
            std::string("# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.1\"} 2\n"  // 0.1 is <= 0.1: "le" is inclusive
            "lat_seconds_bucket{le=\"0.5\"} 3\n"
            "lat_seconds_bucket{le=\"1\"} 4\n"
            "lat_seconds_bucket{le=\"+Inf\"} 6\n") +
            "lat_seconds_sum " + format_number(expected_sum) + "\n"
            "lat_seconds_count 6\n");
}

TEST(Registry, HistogramIgnoresNaN) {
  Registry r;
  auto& h = r.histogram("nan_seconds", "x", {1.0}).get();
  h.observe(0.5);
  h.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.sum(), 0.5);
}

TEST(Registry, FamiliesRenderInRegistrationOrder) {
  Registry r;
  r.gauge("zz_first", "first").get().set(1);
  r.counter("aa_second_total", "second").get().inc();
  auto text = r.render();
  EXPECT_LT(text.find("zz_first"), text.find("aa_second_total"));
}

TEST(Registry, RejectsBadNamesDuplicatesAndReservedLabels) {
  Registry r;
  EXPECT_THROW(r.counter("1bad", "x"), Error);
  EXPECT_THROW(r.counter("bad-name", "x"), Error);
  EXPECT_THROW(r.counter("ok_total", "x", {"le"}), Error);
  EXPECT_THROW(r.counter("ok_total", "x", {"__reserved"}), Error);
  EXPECT_THROW(r.counter("ok_total", "x", {"a", "a"}), Error);
  r.counter("ok_total", "x");
  EXPECT_THROW(r.gauge("ok_total", "x"), Error);
  EXPECT_THROW(r.histogram("h", "x", {}), Error);
  EXPECT_THROW(r.histogram("h", "x", {1.0, 1.0}), Error);
  EXPECT_THROW(r.histogram("h", "x", {1.0, std::numeric_limits<double>::infinity()}), Error);
}

TEST(Registry, WrongNumberOfLabelValuesIsAnErrorNamingTheMetric) {
  Registry r;
  auto& c = r.counter("two_total", "x", {"a", "b"});
  try {
    c.with({"only-one"});
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("two_total"));
  }
}

TEST(Registry, SeriesBeyondTheCapShareOneOverflowSeries) {
  Registry r;
  auto& c = r.counter("ns_total", "x", {"namespace"}, 3);
  for (int i = 0; i < 10; ++i) c.with({"ns" + std::to_string(i)}).inc();
  auto text = r.render();
  EXPECT_THAT(text, HasSubstr("ns_total{namespace=\"ns0\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("ns_total{namespace=\"ns1\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("ns2")));
  EXPECT_THAT(text, HasSubstr("ns_total{namespace=\"overflow\"} 8\n"));
  // Series that existed before the cap keep counting on their own.
  c.with({"ns0"}).inc();
  EXPECT_THAT(r.render(), HasSubstr("ns_total{namespace=\"ns0\"} 2\n"));
}

TEST(Registry, ConcurrentRecordingLosesNothing) {
  Registry r;
  auto& c = r.counter("race_total", "x", {"t"});
  auto& h = r.histogram("race_seconds", "x", {0.5}).get();
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        c.with({t % 2 ? "odd" : "even"}).inc();
        h.observe(i % 2 ? 0.25 : 1.0);
        if (i % 5000 == 0) (void)r.render();  // scrapes race with updates
      }
    });
  }
  for (auto& th : threads) th.join();
  auto text = r.render();
  EXPECT_THAT(text, HasSubstr("race_total{t=\"even\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("race_total{t=\"odd\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("race_seconds_bucket{le=\"0.5\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("race_seconds_count 80000\n"));
  EXPECT_THAT(text, HasSubstr("race_seconds_sum 50000\n"));
}

TEST(Registry, NumberFormatting) {
  EXPECT_EQ(format_number(1e-05), "1e-05");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(1.0), "1");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
}

}  // namespace
}  // namespace nri_seccomp::metrics
