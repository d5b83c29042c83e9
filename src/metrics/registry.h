// A small, thread-safe Prometheus registry that renders the text exposition
// format (version 0.0.4). Written for nri-seccomp's needs only: counters and
// gauges holding integers, histograms with fixed buckets, all with labels.
//
// Hot-path cost: a labelled series is found once per call in a std::map under
// the family's mutex; the update itself is an atomic add. Callers that record
// the same series often can keep the returned reference (it stays valid for
// the registry's lifetime) and skip the lookup entirely.
//
// Example:
//   Registry registry;
//   auto& requests = registry.counter("demo_requests_total", "Requests served.", {"code"});
//   requests.with({"200"}).inc();
//   std::string text = registry.render();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp::metrics {

class Counter {
 public:
  void inc(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Bucket upper bounds are fixed at creation, strictly increasing; +Inf is
// implicit. Counts are kept per bucket and made cumulative when rendered.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& upper_bounds);
  void observe(double value);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Cumulative count of observations <= upper_bounds()[i]; i == size() is +Inf.
  std::vector<uint64_t> cumulative_counts() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (last = +Inf)
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

enum class MetricType { counter, gauge, histogram };

// Everything one metric name has: help text, label names and one series per
// distinct label-value tuple.
template <typename Series>
class Family {
 public:
  // Families are created by Registry; `make` builds one new series.
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         size_t max_series, std::function<std::unique_ptr<Series>()> make);

  // The series for these label values (as many as label names; throws Error
  // otherwise). Once a family holds max_series series, further new label
  // tuples share one series whose every label value is "overflow": a burst of
  // namespaces cannot grow memory or the scrape without bound.
  Series& with(const std::vector<std::string>& label_values);
  // Shortcut for families without labels.
  Series& get() { return with({}); }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(label_values, series) for each series, in label order, under the lock.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, series] : series_) fn(labels, *series);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  size_t max_series_;
  std::function<std::unique_ptr<Series>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

inline constexpr size_t kDefaultMaxSeries = 1000;

class Registry {
 public:
  // Each name may be registered once; names and label names must match the
  // Prometheus grammar. Both are checked and reported with Error. The
  // returned references live as long as the registry.
  CounterFamily& counter(std::string name, std::string help,
                         std::vector<std::string> label_names = {},
                         size_t max_series = kDefaultMaxSeries);
  GaugeFamily& gauge(std::string name, std::string help,
                     std::vector<std::string> label_names = {},
                     size_t max_series = kDefaultMaxSeries);
  HistogramFamily& histogram(std::string name, std::string help, std::vector<double> upper_bounds,
                             std::vector<std::string> label_names = {},
                             size_t max_series = kDefaultMaxSeries);

  // The whole registry in the Prometheus text format, families in
  // registration order.
  std::string render() const;

 private:
  void claim_name(const std::string& name, const std::vector<std::string>& label_names);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  // Registration order across the three kinds: (type, index in its vector).
  std::vector<std::pair<MetricType, size_t>> order_;
};

// Text-format helpers, exposed for tests.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
std::string format_number(double value);

}  // namespace nri_seccomp::metrics
