#include "metrics/plugin_metrics.h"

namespace nri_seccomp::metrics {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::applied: return "applied";
    case Outcome::untouched: return "untouched";
    case Outcome::refused: return "refused";
  }
  return "unknown";
}

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::enforce: return "enforce";
    case Mode::complain: return "complain";
    case Mode::off: return "off";
  }
  return "unknown";
}

const std::vector<double>& create_container_buckets() {
  static const std::vector<double> buckets = {
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
      0.0025,  0.005,    0.01,    0.025,  0.05,    0.1,    0.25, 0.5, 1.0};
  return buckets;
}

PluginMetrics::PluginMetrics()
    : decisions_(registry_.counter("nri_seccomp_decisions_total",
                                   "CreateContainer decisions by outcome, policy mode and pod namespace.",
                                   {"outcome", "mode", "pod_namespace"}, kMaxNamespaces * 3)),
      refusals_(registry_.counter("nri_seccomp_refusals_total",
                                  "Containers refused, by reason.", {"reason"}, 64)),
      validations_(registry_.counter("nri_seccomp_validations_total",
                                     "Final container adjustments the plugin validated (ValidateContainerAdjustment), by result.",
                                     {"result"})),
      create_duration_(registry_
                           .histogram("nri_seccomp_create_container_duration_seconds",
                                      "Time spent handling CreateContainer, in seconds.",
                                      create_container_buckets())
                           .get()),
      cache_hits_(registry_.counter("nri_seccomp_cache_hits_total",
                                    "Compiled-policy cache lookups that found an entry.")
                      .get()),
      cache_misses_(registry_.counter("nri_seccomp_cache_misses_total",
                                      "Compiled-policy cache lookups that had to build the policy.")
                        .get()),
      profiles_loaded_(registry_.gauge("nri_seccomp_profiles_loaded",
                                       "Profiles in the currently active profile store.")
                           .get()),
      reloads_(registry_.counter("nri_seccomp_reloads_total",
                                 "Profile store and policy (re)loads, by result.", {"result"})),
      registered_gauge_(registry_.gauge("nri_seccomp_registered",
                                        "1 while the plugin is registered with the container runtime.")
                            .get()),
      store_loaded_gauge_(registry_.gauge("nri_seccomp_store_loaded",
                                          "1 once a profile store and policy have been loaded.")
                              .get()),
      unprotected_(registry_.gauge("nri_seccomp_unprotected_containers",
                                   "Running containers the last recovery audit found weaker than policy says.")
                       .get()),
      stale_(registry_.gauge("nri_seccomp_stale_containers",
                             "Running containers protected by an older policy than the current one.")
                 .get()),
      evictions_(registry_.counter("nri_seccomp_evictions_total",
                                   "Unprotected containers evicted through NRI (CreateContainerResponse.evict).")
                     .get()),
      killed_(registry_.gauge("nri_seccomp_killed_containers",
                              "Unprotected containers the plugin stopped (SIGKILL to their init process) since it started.")
                  .get()),
      libseccomp_(registry_.gauge("nri_seccomp_libseccomp_info",
                                  "The libseccomp version the plugin checks and compiles policies with.", {"version"}, 4)) {
  // Pre-create the series with fixed label sets, so dashboards and alerts see
  // zeros instead of absent series before the first event.
  reloads_.with({"ok"});
  reloads_.with({"error"});
  validations_.with({"approved"});
  validations_.with({"rejected"});
}

void PluginMetrics::record_decision(Outcome outcome, Mode mode, std::string_view pod_namespace) {
  decisions_.with({std::string(to_string(outcome)), std::string(to_string(mode)), std::string(pod_namespace)})
      .inc();
}

void PluginMetrics::record_refusal(std::string_view reason) { refusals_.with({std::string(reason)}).inc(); }

void PluginMetrics::observe_create_container(std::chrono::nanoseconds duration) {
  create_duration_.observe(std::chrono::duration<double>(duration).count());
}

void PluginMetrics::record_reload(bool ok) { reloads_.with({ok ? "ok" : "error"}).inc(); }

void PluginMetrics::set_registered(bool registered) {
  registered_.store(registered);
  registered_gauge_.set(registered ? 1 : 0);
}

void PluginMetrics::set_store_loaded(bool loaded, int64_t profile_count) {
  store_loaded_.store(loaded);
  store_loaded_gauge_.set(loaded ? 1 : 0);
  profiles_loaded_.set(profile_count);
}

Readiness PluginMetrics::readiness() const {
  bool registered = registered_.load();
  bool loaded = store_loaded_.load();
  if (registered && loaded) return {true, "ready"};
  if (!registered && !loaded) return {false, "not registered with the runtime; profile store not loaded"};
  if (!registered) return {false, "not registered with the runtime"};
  return {false, "profile store not loaded"};
}

}  // namespace nri_seccomp::metrics
