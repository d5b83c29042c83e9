// The policy engine the daemon and `nri-seccomp apply` share: holds the
// current State, swaps in a new one on reload (config or profile files
// changed), decides CreateContainer requests against whatever state is
// current, and reports each decision to the log, the audit file and an
// optional observer (metrics).
//
// Requests never wait for a reload: a reload builds its State on the poller
// thread and publishes it with one pointer swap. A reload that fails (bad
// config edit) keeps the last good state and logs why.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "nri.pb.h"
#include "policy/audit_log.h"
#include "policy/decision.h"
#include "policy/decision_record.h"
#include "policy/expected_answers.h"
#include "policy/recovery_audit.h"
#include "policy/runtime_caps.h"
#include "policy/state.h"
#include "policy/worker.h"
#include "policy/write_watch.h"

namespace nri_seccomp::policy {

struct EngineOptions {
  std::string config_path;                 // --config; empty: none
  std::vector<std::string> profile_dirs;   // --profiles-dir, before config profileDirs
  std::chrono::milliseconds poll_interval{1000};
  std::optional<seccomp::ResolveContext> context;  // default: node_context()
  bool log_decisions = true;               // one `decision` log line per request
  // The daemon's own pod (POD_NAMESPACE/POD_NAME in the DaemonSet): never
  // evicted by the recovery audit.
  OwnPod own_pod;
  // --state-file: where the record of validated decisions survives restarts
  // (policy/decision_record.h); empty: memory only.
  std::string state_file;
};

// What the last recovery audit found (metrics, tests).
struct AuditSummary {
  size_t containers = 0;     // in the snapshot
  size_t unprotected = 0;    // running weaker than policy
  size_t stale = 0;          // protected by an older policy generation
  size_t to_evict = 0;       // unprotected in enforce mode
  uint64_t killed_total = 0; // unprotected containers stopped by the plugin so far
};

struct EngineStats {
  uint64_t applied = 0, untouched = 0, refused = 0;
  uint64_t cache_hits = 0, cache_misses = 0;  // decision cache (warm/cold adjustments)
  uint64_t reload_ok = 0, reload_error = 0;
  uint64_t evictions = 0;                     // containers named in CreateContainerResponse.evict
  uint64_t kills = 0;                         // unprotected containers stopped by SIGKILL to their init
  uint64_t deadline_refusals = 0;             // decisions that missed their budget
  uint64_t validated = 0, validation_rejected = 0;  // ValidateContainerAdjustment answers
  uint64_t generation = 0;
  size_t profiles_loaded = 0, profiles_broken = 0;
  bool store_loaded = false;
};

class Engine {
 public:
  // Loads the config file (if any) and the first state. Throws Error when the
  // config file cannot be read or is invalid: the daemon should not start
  // with a policy it cannot read.
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // From NRI Configure. `config_text` is used as the policy when no --config
  // file was given (a runtime-launched plugin's conf.d); it throws Error when
  // that text is invalid.
  void configure(std::string_view runtime_name, std::string_view runtime_version, std::string_view config_text = {});
  void set_runtime(std::string_view runtime_name, std::string_view runtime_version);
  // How the runtime names the plugin ("10-seccomp"): the owner validation expects.
  void set_plugin_name(std::string name);
  // Whether the runtime we talk to calls validators (its capability row).
  bool runtime_validates() const;

  // The runtime's request timeout (Configure): every decision must be made
  // within a quarter of it (the budget), or it is refused with reason code
  // `deadline` while the work finishes in the background for the next try.
  void set_request_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds budget() const;

  // Never throws; a refused Decision carries the full message in `reason`.
  // Also hands out the recovery audit's evictions in the answer (enforce mode).
  Decision decide(const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                  ::nri::pkg::api::v1alpha1::CreateContainerResponse& response);
  // As decide(), but throws Error(decision.reason) on refusal (the NRI Handler contract).
  void create_container(const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                        ::nri::pkg::api::v1alpha1::CreateContainerResponse& response);

  // The runtime's final adjustment of a container (after every plugin
  // answered): empty when it carries exactly what decide() answered for the
  // container, else the full rejection message (pod, container, what differs).
  std::string validate(const ::nri::pkg::api::v1alpha1::ValidateContainerAdjustmentRequest& request);

  // Called after every decision, on the request thread: keep it cheap.
  void set_observer(std::function<void(const Decision&)> observer);
  // Called after every reload() (the poller's or a caller's), with whether it
  // succeeded and how many profiles the current state holds.
  void set_reload_observer(std::function<void(bool ok, size_t profiles_loaded)> observer);

  // Rebuilds the state now from the config file/text and profile dirs.
  // Returns false (and keeps the last good state) on error.
  bool reload();
  // Starts/stops the background poller that reloads when the fingerprint of
  // the config file or profile dirs changes - once the change has settled:
  // the files were unchanged across two polls, and no writer still has one
  // of them open after modifying it. A file written in place is never loaded
  // half-written (a prefix of a policy is often valid YAML, with less in it).
  // Idempotent.
  void start_watching();
  void stop_watching();

  // The recovery audit of a Synchronize snapshot, on a background thread
  // (the runtime waits for the Synchronize answer). Findings are logged one
  // line each; unprotected containers in enforce mode are stopped: their init
  // process is killed where the plugin sees host pids (kubelet recreates them
  // through the plugin), and they are named in the answer to the next
  // CreateContainer (NRI's evict, which current runtimes never receive).
  void audit(const ::nri::pkg::api::v1alpha1::SynchronizeRequest& snapshot);
  void wait_for_audit();
  void set_audit_observer(std::function<void(const AuditSummary&)> observer);

  std::shared_ptr<const State> state() const;
  EngineStats stats() const;
  const std::string& config_source() const { return options_.config_path; }

 private:
  std::shared_ptr<const State> build(uint64_t generation) const;  // throws Error
  void publish(std::shared_ptr<const State> next);
  void poll_loop();
  bool poll_once();  // true: a settled change to load
  std::string current_fingerprint() const;
  void report(const State& state, const Decision& d);
  void notify_reload(bool ok);
  Decision decide_within_budget(std::shared_ptr<const State> state, std::shared_ptr<const RuntimeCaps> runtime,
                                const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                                ::nri::pkg::api::v1alpha1::CreateContainerResponse& response,
                                std::chrono::steady_clock::time_point start, std::string slow_path);
  void run_audit(const ::nri::pkg::api::v1alpha1::SynchronizeRequest& snapshot);
  void hand_out_evictions(::nri::pkg::api::v1alpha1::CreateContainerResponse& response, Decision& d);

  EngineOptions options_;
  seccomp::ResolveContext context_;
  std::shared_ptr<seccomp::CompileCache> compile_cache_ = std::make_shared<seccomp::CompileCache>();

  mutable std::mutex state_mutex_;  // guards state_ and runtime_ (pointer copies only)
  std::shared_ptr<const State> state_;
  std::shared_ptr<const RuntimeCaps> runtime_;
  std::string runtime_name_, runtime_version_;

  std::mutex reload_mutex_;         // one rebuild at a time; never taken by requests
  std::string runtime_config_text_; // from Configure, used when there is no config file
  std::string fingerprint_;         // of the files the current state was built from
  // Poller thread only: a change is loaded once it has settled (policy/write_watch.h).
  std::string settling_;            // a changed fingerprint seen at the previous poll
  std::string deferred_for_;        // the open writes last logged, to log each wait once
  WriteWatch write_watch_;

  std::mutex observer_mutex_;
  std::shared_ptr<const std::function<void(const Decision&)>> observer_;
  std::function<void(bool, size_t)> reload_observer_;
  AuditLog audit_;

  std::atomic<uint64_t> applied_{0}, untouched_{0}, refused_{0}, cache_hits_{0}, cache_misses_{0};
  std::atomic<uint64_t> reload_ok_{0}, reload_error_{0};

  std::mutex poll_mutex_;
  std::condition_variable poll_cv_;
  bool stop_polling_ = false;
  std::thread poller_;

  std::string plugin_name_ = "10-seccomp";  // guarded by state_mutex_
  ExpectedAnswers answers_;
  DecisionRecord record_;
  std::atomic<uint64_t> validated_{0}, validation_rejected_{0};

  std::atomic<int64_t> budget_ms_{500};  // a quarter of NRI's default 2 s request timeout
  std::atomic<uint64_t> evictions_{0}, kills_{0}, deadline_refusals_{0};
  std::mutex evict_mutex_;
  std::vector<Finding> to_evict_;        // handed out once each, in the next answers
  std::function<void(const AuditSummary&)> audit_observer_;  // guarded by observer_mutex_

  // Last members: destroyed first, so their threads stop before anything
  // they use goes away.
  Worker slow_worker_{"nri-seccomp-slow"};
  Worker audit_worker_{"nri-seccomp-audit"};
};

}  // namespace nri_seccomp::policy
