// The one place the daemon gets its Handler from: the policy engine (config,
// profile store, decisions, hot reload) behind NRI's Handler interface, plus
// the optional Prometheus endpoint fed by the engine's observers.
#include <chrono>
#include <cstdlib>
#include <thread>
#include <memory>
#include <optional>

#include "common/log.h"
#include "metrics/metrics_server.h"
#include "policy/nri_handler.h"
#include "seccomp/compile.h"
#include "run_options.h"

namespace nri_seccomp {
namespace {

metrics::Outcome to_metrics(policy::Outcome outcome) {
  switch (outcome) {
    case policy::Outcome::applied: return metrics::Outcome::applied;
    case policy::Outcome::refused: return metrics::Outcome::refused;
    case policy::Outcome::untouched: break;
  }
  return metrics::Outcome::untouched;
}

metrics::Mode to_metrics(policy::Mode mode) {
  switch (mode) {
    case policy::Mode::complain: return metrics::Mode::complain;
    case policy::Mode::off: return metrics::Mode::off;
    case policy::Mode::enforce: break;
  }
  return metrics::Mode::enforce;
}

// Owns what must live as long as the session: the engine, the metrics and
// their HTTP server. Forwards every callback to the policy handler and keeps
// readiness (/readyz) in step with the runtime connection.
class DaemonHandler final : public nri::Handler {
 public:
  DaemonHandler(std::shared_ptr<policy::Engine> engine, std::unique_ptr<metrics::PluginMetrics> plugin_metrics,
                std::unique_ptr<metrics::MetricsServer> server, std::chrono::milliseconds answer_delay)
      : answer_delay_(answer_delay),
        metrics_(std::move(plugin_metrics)),
        server_(std::move(server)),
        engine_(engine),
        policy_(policy::make_nri_handler(std::move(engine))) {}

  ~DaemonHandler() override {
    // Observers capture metrics_: detach them before it goes away.
    engine_->set_observer({});
    engine_->set_reload_observer({});
    engine_->set_audit_observer({});
    if (server_) server_->stop();
  }

  void configure(const nri::RuntimeInfo& runtime, std::string_view config) override {
    policy_->configure(runtime, config);
  }
  bool validates_adjustments() const override { return policy_->validates_adjustments(); }
  std::string validate_container(const nri::api::ValidateContainerAdjustmentRequest& request) override {
    std::string rejection = policy_->validate_container(request);
    metrics_->record_validation(rejection.empty());
    return rejection;
  }
  void synchronize(const nri::api::SynchronizeRequest& request) override { policy_->synchronize(request); }
  void create_container(const nri::api::CreateContainerRequest& request,
                        nri::api::CreateContainerResponse& response) override {
    policy_->create_container(request, response);
    if (answer_delay_.count() > 0) std::this_thread::sleep_for(answer_delay_);
  }
  void on_registered() override {
    policy_->on_registered();
    metrics_->set_registered(true);
  }
  void on_disconnected() override {
    policy_->on_disconnected();
    metrics_->set_registered(false);
  }

 private:
  const std::chrono::milliseconds answer_delay_;  // fault injection only (NRI_SECCOMP_TEST_ANSWER_DELAY_MS)
  std::unique_ptr<metrics::PluginMetrics> metrics_;
  std::unique_ptr<metrics::MetricsServer> server_;
  std::shared_ptr<policy::Engine> engine_;
  std::unique_ptr<nri::Handler> policy_;
};

}  // namespace

std::unique_ptr<nri::Handler> make_handler(const RunOptions& options) {
  policy::EngineOptions engine_options;
  engine_options.config_path = options.config_file;
  engine_options.profile_dirs = options.profile_dirs;
  engine_options.state_file = options.state_file;
  // The DaemonSet passes its own pod through the downward API: the recovery
  // audit never evicts the plugin's own pod.
  if (const char* ns = std::getenv("POD_NAMESPACE"); ns != nullptr) engine_options.own_pod.pod_namespace = ns;
  if (const char* name = std::getenv("POD_NAME"); name != nullptr) engine_options.own_pod.name = name;
  auto engine = std::make_shared<policy::Engine>(engine_options);  // throws Error on a bad --config

  auto plugin_metrics = std::make_unique<metrics::PluginMetrics>();
  auto* recorder = plugin_metrics.get();
  recorder->set_libseccomp_version(seccomp::libseccomp_version());
  const auto initial = engine->stats();
  recorder->record_reload(initial.store_loaded);
  recorder->set_store_loaded(initial.store_loaded, static_cast<int64_t>(initial.profiles_loaded));
  engine->set_observer([recorder](const policy::Decision& d) {
    recorder->record_decision(to_metrics(d.outcome), to_metrics(d.mode), d.pod_namespace);
    recorder->observe_create_container(d.duration);
    if (d.outcome == policy::Outcome::refused) recorder->record_refusal(d.reason_code);
    if (d.outcome == policy::Outcome::applied) d.cache_hit ? recorder->cache_hit() : recorder->cache_miss();
    if (!d.evicted.empty()) recorder->record_evictions(d.evicted.size());
  });
  engine->set_audit_observer([recorder](const policy::AuditSummary& s) {
    recorder->set_audit(static_cast<int64_t>(s.unprotected), static_cast<int64_t>(s.stale));
    recorder->set_killed_total(s.killed_total);
  });
  engine->set_reload_observer([recorder](bool ok, size_t profiles) {
    recorder->record_reload(ok);
    recorder->set_store_loaded(true, static_cast<int64_t>(profiles));  // a failed reload keeps the last good store
  });

  // --metrics-address wins over the policy's metricsAddress; neither: off.
  std::string address = options.metrics_address;
  if (address.empty()) address = engine->state()->config.metrics_address;
  std::unique_ptr<metrics::MetricsServer> server;
  if (!address.empty()) {
    server = std::make_unique<metrics::MetricsServer>(metrics::parse_listen_address(address), *recorder);
    log::info("metrics_listening", {{"address", server->address()}});
  }
  // Fault injection for the e2e suites: answer every CreateContainer this
  // much later than decided (a plugin slower than the runtime's timeout).
  std::chrono::milliseconds answer_delay{0};
  if (const char* delay = std::getenv("NRI_SECCOMP_TEST_ANSWER_DELAY_MS"); delay != nullptr && *delay != '\0') {
    answer_delay = std::chrono::milliseconds(std::strtol(delay, nullptr, 10));
    log::warn("test_answer_delay", {{"delay_ms", answer_delay.count()},
                                    {"reason", "NRI_SECCOMP_TEST_ANSWER_DELAY_MS is set: fault injection, never in production"}});
  }
  return std::make_unique<DaemonHandler>(std::move(engine), std::move(plugin_metrics), std::move(server), answer_delay);
}

}  // namespace nri_seccomp
