// Every metric nri-seccomp exports, in one place, plus the readiness state
// behind /readyz. The daemon owns one PluginMetrics for its whole life and
// hands references to the code that records.
//
// Wiring into the daemon (`nri-seccomp run --metrics-address HOST:PORT`):
//
//   #include "metrics/metrics_server.h"
//   metrics::PluginMetrics plugin_metrics;                    // before anything records
//   auto address = metrics::parse_listen_address(flag_value); // throws Error on bad input
//   metrics::MetricsServer server(address, plugin_metrics);   // binds now (throws), serves on its thread
//
//   // after the profile store is (re)loaded:
//   plugin_metrics.record_reload(true);                       // or false when a reload failed
//   plugin_metrics.set_store_loaded(true, store.size());      // /readyz needs this ...
//   // after Configure from the runtime succeeded (and false when the connection drops):
//   plugin_metrics.set_registered(true);                      // ... and this
//
//   // in CreateContainer:
//   auto timer = plugin_metrics.time_create_container();      // observes the duration when destroyed
//   plugin_metrics.record_decision(metrics::Outcome::applied, metrics::Mode::enforce, pod.namespace_());
//   plugin_metrics.record_refusal("runtime_too_old");         // additionally, for refusals
//   plugin_metrics.cache_hit();                               // or cache_miss(), per compiled-policy lookup
//
// Label values must come from small fixed sets: `reason` is a snake_case
// token chosen in code (e.g. runtime_too_old, profile_not_found,
// profile_invalid, replace_not_allowed, mandatory_missing, internal_error),
// never a free-text message. The pod's namespace goes into the label
// `pod_namespace`, not `namespace`: Prometheus attaches `namespace` to every
// scraped series itself (the plugin pod's own, nri-seccomp), and the clash
// would rename ours to `exported_namespace`. It is bounded by the registry's
// overflow series (kMaxNamespaces).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace nri_seccomp::metrics {

enum class Outcome { applied, untouched, refused };
enum class Mode { enforce, complain, off };

std::string_view to_string(Outcome outcome);
std::string_view to_string(Mode mode);

// Bucket bounds for the CreateContainer histogram, in seconds: 10 us .. 1 s
// (1-2.5-5 steps). The runtime's default request timeout is 2 s.
const std::vector<double>& create_container_buckets();

inline constexpr size_t kMaxNamespaces = 500;

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready; "ready" when ready
};

class PluginMetrics {
 public:
  PluginMetrics();

  // One per CreateContainer decision.
  void record_decision(Outcome outcome, Mode mode, std::string_view pod_namespace);
  // One per refusal, in addition to record_decision(refused, ...).
  void record_refusal(std::string_view reason);
  void observe_create_container(std::chrono::nanoseconds duration);
  // One per ValidateContainerAdjustment answer.
  void record_validation(bool approved) { validations_.with({approved ? "approved" : "rejected"}).inc(); }

  // RAII: observes the time between its creation and its destruction.
  class Timer {
   public:
    explicit Timer(PluginMetrics& m) : metrics_(&m), start_(std::chrono::steady_clock::now()) {}
    ~Timer() {
      if (metrics_) metrics_->observe_create_container(std::chrono::steady_clock::now() - start_);
    }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    Timer(Timer&& other) noexcept : metrics_(other.metrics_), start_(other.start_) { other.metrics_ = nullptr; }

   private:
    PluginMetrics* metrics_;
    std::chrono::steady_clock::time_point start_;
  };
  [[nodiscard]] Timer time_create_container() { return Timer(*this); }

  // Compiled-policy cache lookups.
  void cache_hit() { cache_hits_.inc(); }
  void cache_miss() { cache_misses_.inc(); }

  // Profile store reloads (the first load counts too).
  void record_reload(bool ok);

  // Recovery audit (after every registration) and its evictions.
  void set_audit(int64_t unprotected, int64_t stale) {
    unprotected_.set(unprotected);
    stale_.set(stale);
  }
  void record_evictions(uint64_t n) { evictions_.inc(n); }
  void set_killed_total(uint64_t n) { killed_.set(static_cast<int64_t>(n)); }
  // The libseccomp the plugin checks with (a constant 1 with a version label).
  void set_libseccomp_version(const std::string& version) { libseccomp_.with({version}).set(1); }

  // Readiness inputs. /readyz answers 200 only when both are true.
  void set_registered(bool registered);
  void set_store_loaded(bool loaded, int64_t profile_count);

  Readiness readiness() const;
  std::string render() const { return registry_.render(); }
  Registry& registry() { return registry_; }

 private:
  Registry registry_;
  CounterFamily& decisions_;
  CounterFamily& refusals_;
  CounterFamily& validations_;
  Histogram& create_duration_;
  Counter& cache_hits_;
  Counter& cache_misses_;
  Gauge& profiles_loaded_;
  CounterFamily& reloads_;
  Gauge& registered_gauge_;
  Gauge& store_loaded_gauge_;
  Gauge& unprotected_;
  Gauge& stale_;
  Counter& evictions_;
  Gauge& killed_;
  GaugeFamily& libseccomp_;
  std::atomic<bool> registered_{false};
  std::atomic<bool> store_loaded_{false};
};

}  // namespace nri_seccomp::metrics
