#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "common/error.h"

namespace nri_seccomp::metrics {
namespace {

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  auto head = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; };
  if (!head(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

bool valid_label_name(std::string_view name) {
  // Same grammar without ':'; names starting with "__" are reserved by Prometheus.
  if (!valid_metric_name(name) || name.find(':') != std::string_view::npos) return false;
  return name.substr(0, 2) != "__";
}

void check_bounds(const std::string& metric, const std::vector<double>& bounds) {
  if (bounds.empty()) fail("histogram {}: needs at least one bucket upper bound", metric);
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      fail("histogram {}: bucket bound #{} is not finite (+Inf is implicit)", metric, i);
    }
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      fail("histogram {}: bucket bounds must increase strictly ({} after {})", metric, bounds[i],
           bounds[i - 1]);
    }
  }
}

// `{a="x",b="y"}` or "" when there are no labels; `extra` appends one more
// label (the histogram's `le`).
std::string label_block(const std::vector<std::string>& names, const std::vector<std::string>& values,
                        std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void header(std::string& out, const std::string& name, const std::string& help, std::string_view type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // fmt's shortest round-trip form: "1e-05", "0.25", "3".
  return fmt::format("{}", value);
}

Histogram::Histogram(const std::vector<double>& upper_bounds)
    : bounds_(upper_bounds), buckets_(new std::atomic<uint64_t>[upper_bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  // A NaN would poison _sum forever; no caller has a reason to send one.
  if (std::isnan(value)) return;
  // First bucket whose upper bound is >= value ("le" semantics).
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::cumulative_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

template <typename Series>
Family<Series>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       size_t max_series, std::function<std::unique_ptr<Series>()> make)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      max_series_(std::max<size_t>(max_series, 1)),
      make_(std::move(make)) {}

template <typename Series>
Series& Family<Series>::with(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    fail("metric {}: got {} label values for {} label names", name_, label_values.size(),
         label_names_.size());
  }
  std::lock_guard lock(mutex_);
  if (auto it = series_.find(label_values); it != series_.end()) return *it->second;
  if (series_.size() + 1 >= max_series_ && !label_names_.empty()) {
    // Keep one slot free for the shared overflow series.
    std::vector<std::string> overflow(label_names_.size(), "overflow");
    auto& slot = series_[overflow];
    if (!slot) slot = make_();
    return *slot;
  }
  auto& slot = series_[label_values];
  slot = make_();
  return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::claim_name(const std::string& name, const std::vector<std::string>& label_names) {
  if (!valid_metric_name(name)) fail("metric name '{}' is not a valid Prometheus name", name);
  std::set<std::string> seen;
  for (const auto& label : label_names) {
    if (!valid_label_name(label) || label == "le") {
      fail("metric {}: label name '{}' is not allowed", name, label);
    }
    if (!seen.insert(label).second) fail("metric {}: label '{}' given twice", name, label);
  }
  auto taken = [&](const auto& families) {
    return std::any_of(families.begin(), families.end(), [&](const auto& f) { return f->name() == name; });
  };
  if (taken(counters_) || taken(gauges_) || taken(histograms_)) {
    fail("metric {} is registered twice", name);
  }
}

CounterFamily& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names,
                                 size_t max_series) {
  std::lock_guard lock(mutex_);
  claim_name(name, label_names);
  counters_.push_back(std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names),
                                                      max_series, [] { return std::make_unique<Counter>(); }));
  order_.emplace_back(MetricType::counter, counters_.size() - 1);
  return *counters_.back();
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names,
                             size_t max_series) {
  std::lock_guard lock(mutex_);
  claim_name(name, label_names);
  gauges_.push_back(std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(label_names),
                                                  max_series, [] { return std::make_unique<Gauge>(); }));
  order_.emplace_back(MetricType::gauge, gauges_.size() - 1);
  return *gauges_.back();
}

HistogramFamily& Registry::histogram(std::string name, std::string help, std::vector<double> upper_bounds,
                                     std::vector<std::string> label_names, size_t max_series) {
  std::lock_guard lock(mutex_);
  claim_name(name, label_names);
  check_bounds(name, upper_bounds);
  histograms_.push_back(std::make_unique<HistogramFamily>(
      std::move(name), std::move(help), std::move(label_names), max_series,
      [upper_bounds] { return std::make_unique<Histogram>(upper_bounds); }));
  order_.emplace_back(MetricType::histogram, histograms_.size() - 1);
  return *histograms_.back();
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(4096);
  for (const auto& [type, index] : order_) {
    switch (type) {
      case MetricType::counter: {
        const auto& family = *counters_[index];
        header(out, family.name(), family.help(), "counter");
        family.for_each([&](const std::vector<std::string>& labels, const Counter& c) {
          out += fmt::format("{}{} {}\n", family.name(), label_block(family.label_names(), labels), c.value());
        });
        break;
      }
      case MetricType::gauge: {
        const auto& family = *gauges_[index];
        header(out, family.name(), family.help(), "gauge");
        family.for_each([&](const std::vector<std::string>& labels, const Gauge& g) {
          out += fmt::format("{}{} {}\n", family.name(), label_block(family.label_names(), labels), g.value());
        });
        break;
      }
      case MetricType::histogram: {
        const auto& family = *histograms_[index];
        header(out, family.name(), family.help(), "histogram");
        family.for_each([&](const std::vector<std::string>& labels, const Histogram& h) {
          // Read the buckets first and derive _count from them, so one scrape
          // is self-consistent even while observations race with it.
          auto cumulative = h.cumulative_counts();
          const auto& bounds = h.upper_bounds();
          for (size_t i = 0; i < cumulative.size(); ++i) {
            std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
            out += fmt::format("{}_bucket{} {}\n", family.name(),
                               label_block(family.label_names(), labels, "le", le), cumulative[i]);
          }
          std::string plain = label_block(family.label_names(), labels);
          out += fmt::format("{}_sum{} {}\n", family.name(), plain, format_number(h.sum()));
          out += fmt::format("{}_count{} {}\n", family.name(), plain, cumulative.back());
        });
        break;
      }
    }
  }
  return out;
}

}  // namespace nri_seccomp::metrics
