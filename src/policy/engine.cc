#include "policy/engine.h"

#include <unistd.h>

#include <set>

#include "common/error.h"
#include "common/log.h"
#include "common/printable.h"
#include "common/strings.h"
#include "policy/config.h"
#include "policy/container_process.h"
#include "policy/fingerprint.h"
#include "policy/validation.h"

namespace nri_seccomp::policy {
namespace {

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)), record_(options_.state_file) {
  context_ = options_.context ? *options_.context : node_context();
  runtime_ = std::make_shared<const RuntimeCaps>(runtime_caps("", ""));
  fingerprint_ = current_fingerprint();
  publish(build(1));
}

Engine::~Engine() {
  stop_watching();
}

std::shared_ptr<const State> Engine::build(uint64_t generation) const {
  StateInputs inputs;
  if (!options_.config_path.empty()) {
    inputs.config = load_config_file(options_.config_path);
  } else if (!blank(runtime_config_text_)) {
    inputs.config = parse_config(runtime_config_text_, "from runtime Configure");
  } else {
    inputs.config.source = "(none)";
  }
  inputs.extra_dirs = options_.profile_dirs;
  inputs.context = context_;
  inputs.compile_cache = compile_cache_;
  auto previous = state();
  return build_state(std::move(inputs), generation, previous.get());
}

void Engine::publish(std::shared_ptr<const State> next) {
  for (const auto& w : next->warnings) log::warn("policy_warning", {{"generation", next->generation}, {"warning", w}});
  log::info("policy_loaded", {{"generation", next->generation},
                              {"config", next->config.source},
                              {"profile_dirs", join(next->profile_dirs, ",")},
                              {"profiles", next->store.size()},
                              {"broken", next->store.broken()},
                              {"reused", next->store.reused()},
                              {"rules", next->config.rules.size()},
                              // Whose known-bad patterns are refused: the runtime compiles the final filter.
                              {"runtime_libseccomp", next->runtime_libseccomp.text()},
                              {"runtime_libseccomp_source", next->config.runtime_libseccomp ? "runtimeLibseccomp" : "plugin's own"}});
  std::lock_guard lock(state_mutex_);
  state_ = std::move(next);
}

std::shared_ptr<const State> Engine::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

void Engine::set_runtime(std::string_view name, std::string_view version) {
  auto caps = std::make_shared<const RuntimeCaps>(runtime_caps(name, version));
  auto yes_no = [](bool b) { return b ? "yes" : "no"; };
  static constexpr std::string_view kSources[] = {"none", "nri-seccomp-profile", "cri-o-annotation"};
  log::event(caps->applies_seccomp ? spdlog::level::info : spdlog::level::warn, "runtime_capabilities",
             {{"runtime", name},
              {"version", version},
              {"seccomp_adjustment", caps->applies_seccomp ? "supported" : "unsupported"},
              {"current_policy", yes_no(caps->sends_current_policy)},
              {"rule_errno", caps->rule_errno_safe ? "safe" : "never-sent"},
              {"profile_source", kSources[static_cast<int>(caps->profile_source)]},
              {"runtime_default", seccomp::runtime_default_name(caps->runtime_default)},
              {"reason", caps->reason}});
  std::lock_guard lock(state_mutex_);
  runtime_ = std::move(caps);
  runtime_name_ = std::string(name);
  runtime_version_ = std::string(version);
}

void Engine::configure(std::string_view name, std::string_view version, std::string_view config_text) {
  set_runtime(name, version);
  if (!options_.config_path.empty()) {
    if (!blank(config_text)) {
      log::warn("runtime_config_ignored", {{"reason", "--config file given"}, {"config", options_.config_path}});
    }
    return;
  }
  std::lock_guard lock(reload_mutex_);
  if (config_text == runtime_config_text_) return;
  std::string previous = std::move(runtime_config_text_);
  runtime_config_text_ = std::string(config_text);
  try {
    auto current = state();
    publish(build(current ? current->generation + 1 : 1));
  } catch (...) {
    runtime_config_text_ = std::move(previous);
    throw;
  }
}

void Engine::set_plugin_name(std::string name) {
  std::lock_guard lock(state_mutex_);
  plugin_name_ = std::move(name);
}

bool Engine::runtime_validates() const {
  std::lock_guard lock(state_mutex_);
  return runtime_->validates;
}

std::string Engine::validate(const ::nri::pkg::api::v1alpha1::ValidateContainerAdjustmentRequest& request) {
  std::string plugin;
  {
    std::lock_guard lock(state_mutex_);
    plugin = plugin_name_;
  }
  const auto answer = answers_.take(request.container().id());
  const std::string problem = check_final_adjustment(answer ? &*answer : nullptr, request, plugin);
  if (problem.empty()) {
    validated_.fetch_add(1, std::memory_order_relaxed);
    if (answer && answer->outcome == Outcome::applied) {
      // The runtime will apply exactly what we decided: record it as ours.
      record_.confirm(request.container().id(),
                      {answer->pod_namespace, answer->pod, answer->container, answer->profiles,
                       std::string(mode_name(answer->mode)), answer->hash, answer->wire_hash, answer->generation});
    }
    return {};
  }
  validation_rejected_.fetch_add(1, std::memory_order_relaxed);
  const auto& pod = request.pod();
  const auto& container = request.container();
  log::warn("validation_rejected", {{"namespace", pod.namespace_()}, {"pod", pod.name()}, {"container", container.name()},
                                    {"container_id", container.id()}, {"reason", problem}});
  return refusal_message(pod.namespace_(), pod.name(), container.name(), problem);
}

void Engine::set_request_timeout(std::chrono::milliseconds timeout) {
  // A quarter: the runtime calls every plugin in turn under one lock, and
  // its clock started before our socket saw the request.
  // Unset (0): NRI's default 2 s. A timeout under 4 ms leaves no budget at
  // all: every decision that needs slow work is refused at once.
  const int64_t budget = timeout.count() > 0 ? timeout.count() / 4 : 500;
  budget_ms_.store(budget, std::memory_order_relaxed);
}

std::chrono::milliseconds Engine::budget() const {
  return std::chrono::milliseconds(budget_ms_.load(std::memory_order_relaxed));
}

Decision Engine::decide(const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                        ::nri::pkg::api::v1alpha1::CreateContainerResponse& response) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const State> state;
  std::shared_ptr<const RuntimeCaps> runtime;
  {
    std::lock_guard lock(state_mutex_);
    state = state_;
    runtime = runtime_;
  }
  // Warm and simple decisions are made right here; anything that may be slow
  // (a merge, and so a compile check) goes to the worker, within the budget.
  Decision d = policy::decide(*state, *runtime, request, response, nullptr, /*inline_only=*/true);
  if (!d.slow_path.empty()) d = decide_within_budget(state, runtime, request, response, start, std::move(d.slow_path));
  if (d.outcome != Outcome::refused) hand_out_evictions(response, d);
  // What we answered, for the runtime's validation of the final adjustment.
  const auto& adjust = response.adjust();
  answers_.put(request.container().id(), answer_of(d),
               adjust.has_linux() && adjust.linux().has_seccomp_policy() ? &adjust.linux().seccomp_policy() : nullptr);
  d.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  report(*state, d);
  return d;
}

Decision Engine::decide_within_budget(std::shared_ptr<const State> state, std::shared_ptr<const RuntimeCaps> runtime,
                                      const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                                      ::nri::pkg::api::v1alpha1::CreateContainerResponse& response,
                                      std::chrono::steady_clock::time_point start, std::string slow_path) {
  // The worker owns copies: the request thread may give up and answer, and
  // its request and response live on an arena reset after the answer.
  struct Job {
    ::nri::pkg::api::v1alpha1::CreateContainerRequest request;
    ::nri::pkg::api::v1alpha1::CreateContainerResponse response;
    Decision decision;
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
  };
  auto job = std::make_shared<Job>();
  job->request.CopyFrom(request);
  // The worker holds the same generation and runtime the inline pass used.
  slow_worker_.submit([job, state, runtime] {
    // A new combination is checked here, before its first answer: the
    // compiled filter must verify (or an equivalent shape replace it) before
    // any container gets it. Once per combination; later ones are cache hits.
    Decision d = policy::decide(*state, *runtime, job->request, job->response);
    std::lock_guard lock(job->mutex);
    job->decision = std::move(d);
    job->done = true;
    job->done_cv.notify_all();
  });
  const auto budget = this->budget();
  const auto deadline = start + budget;
  std::unique_lock lock(job->mutex);
  // An answer that is only ready after the budget is not given either: the
  // budget is what keeps us clear of the runtime's own timeout.
  if (job->done_cv.wait_until(lock, deadline, [&] { return job->done; }) && std::chrono::steady_clock::now() <= deadline) {
    response.CopyFrom(job->response);
    return std::move(job->decision);
  }
  deadline_refusals_.fetch_add(1, std::memory_order_relaxed);
  Decision d;
  d.outcome = Outcome::refused;
  d.generation = state->generation;
  d.pod_namespace = request.pod().namespace_();
  d.pod = request.pod().name();
  d.container = request.container().name();
  d.reason_code = "deadline";
  d.reason = refusal_message(
      d.pod_namespace, d.pod, d.container,
      fmt::format("the decision did not finish within its budget of {} ms (a quarter of the runtime's request timeout) "
                  "while {}; refused rather than let the runtime time out and create the container without its "
                  "seccomp policy. The work goes on in the background: a retry will use its result",
                  budget.count(), slow_path));
  response.clear_adjust();
  return d;
}

void Engine::hand_out_evictions(::nri::pkg::api::v1alpha1::CreateContainerResponse& response, Decision& d) {
  std::vector<Finding> evict;
  {
    std::lock_guard lock(evict_mutex_);
    if (to_evict_.empty()) return;
    evict.swap(to_evict_);
  }
  for (const auto& f : evict) {
    auto* e = response.add_evict();
    e->set_container_id(f.container_id);
    e->set_reason(printable(fmt::format("nri-seccomp: pod {}/{} container {} runs without {}", f.pod_namespace, f.pod,
                                        f.container, f.lacks)));
    d.evicted.push_back(f.container_id);
    log::warn("eviction_sent", {{"namespace", f.pod_namespace}, {"pod", f.pod}, {"container", f.container},
                                {"container_id", f.container_id}, {"in_answer_for", d.pod_namespace + "/" + d.pod + "/" + d.container}});
  }
  evictions_.fetch_add(evict.size(), std::memory_order_relaxed);
}

void Engine::audit(const ::nri::pkg::api::v1alpha1::SynchronizeRequest& snapshot) {
  auto copy = std::make_shared<::nri::pkg::api::v1alpha1::SynchronizeRequest>(snapshot);
  audit_worker_.submit([this, copy] { run_audit(*copy); });
}

void Engine::wait_for_audit() { audit_worker_.wait_idle(); }

void Engine::set_audit_observer(std::function<void(const AuditSummary&)> observer) {
  std::lock_guard lock(observer_mutex_);
  audit_observer_ = std::move(observer);
}

void Engine::run_audit(const ::nri::pkg::api::v1alpha1::SynchronizeRequest& snapshot) {
  std::shared_ptr<const State> state;
  std::shared_ptr<const RuntimeCaps> runtime;
  {
    std::lock_guard lock(state_mutex_);
    state = state_;
    runtime = runtime_;
  }
  // On the audit's own thread: a combination first seen here is checked at
  // once, so later requests find its verdict in the cache.
  const auto record = record_.snapshot();
  const auto findings = audit_snapshot(*state, *runtime, snapshot, options_.own_pod, record,
                                       [&](PendingCheck pending) { return check_pending(*state, pending); });
  // The snapshot lists every container the runtime has: forget the others.
  std::set<std::string> present;
  for (const auto& c : snapshot.containers()) present.insert(c.id());
  record_.keep_only(present);
  AuditSummary summary;
  summary.containers = static_cast<size_t>(snapshot.containers_size());
  std::vector<Finding> evict;
  for (const auto& f : findings) {
    const bool unprotected = f.standing == Standing::unprotected;
    (unprotected ? summary.unprotected : summary.stale) += 1;
    const char* action = f.evict() ? "evict" : unprotected ? "report" : "none";
    // NRI drops evictions before they reach the runtime, so stop the
    // container ourselves where its process is visibly ours to stop.
    const std::string stopped = f.evict() ? kill_container_process(f.pid, f.container_id) : std::string("-");
    if (stopped == "killed") kills_.fetch_add(1, std::memory_order_relaxed);
    log::warn(unprotected ? "unprotected_container" : "stale_container",
              {{"namespace", f.pod_namespace}, {"pod", f.pod}, {"container", f.container}, {"container_id", f.container_id},
               {"mode", mode_name(f.mode)}, {"action", action}, {"stopped", stopped}, {"lacks", f.lacks}});
    if (f.evict()) evict.push_back(f);
  }
  summary.to_evict = evict.size();
  summary.killed_total = kills_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(evict_mutex_);
    to_evict_ = std::move(evict);  // a new snapshot replaces what an older one found
  }
  log::info("recovery_audit", {{"generation", state->generation}, {"containers", summary.containers},
                               {"unprotected", summary.unprotected}, {"stale", summary.stale}, {"to_evict", summary.to_evict}});
  std::function<void(const AuditSummary&)> observer;
  {
    std::lock_guard lock(observer_mutex_);
    observer = audit_observer_;
  }
  if (observer) observer(summary);
}

void Engine::create_container(const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                              ::nri::pkg::api::v1alpha1::CreateContainerResponse& response) {
  Decision d = decide(request, response);
  if (d.outcome == Outcome::refused) throw Error(d.reason);
}

void Engine::report(const State& state, const Decision& d) {
  switch (d.outcome) {
    case Outcome::applied: applied_.fetch_add(1, std::memory_order_relaxed); break;
    case Outcome::untouched: untouched_.fetch_add(1, std::memory_order_relaxed); break;
    case Outcome::refused: refused_.fetch_add(1, std::memory_order_relaxed); break;
  }
  if (d.outcome == Outcome::applied) (d.cache_hit ? cache_hits_ : cache_misses_).fetch_add(1, std::memory_order_relaxed);
  if (options_.log_decisions) {
    const auto level = d.outcome == Outcome::refused ? spdlog::level::warn : spdlog::level::info;
    if (spdlog::should_log(level)) {
      const std::string profiles = (d.replace ? "replace:" : "") + join(d.profiles, ",");
      const std::string warnings = join(d.warnings, "; ");
      log::event(level, "decision",
                 {{"namespace", d.pod_namespace}, {"pod", d.pod}, {"container", d.container}, {"base", d.base},
                  {"profiles", profiles}, {"mode", mode_name(d.mode)}, {"outcome", outcome_name(d.outcome)},
                  {"hash", d.hash}, {"syscall_rules", d.syscall_rules}, {"policy_rule", d.rule},
                  {"cache", d.cache_hit ? "hit" : "miss"}, {"duration_us", d.duration.count()}, {"reason_code", d.reason_code},
                  {"reason", d.reason}, {"warnings", warnings}});
    }
  }
  audit_.write(state.config.audit_log, d);
  std::shared_ptr<const std::function<void(const Decision&)>> observer;
  {
    std::lock_guard lock(observer_mutex_);
    observer = observer_;
  }
  if (observer && *observer) {
    try {
      (*observer)(d);
    } catch (const std::exception& e) {
      log::error("observer_failed", {{"error", e.what()}});
    }
  }
}

void Engine::set_observer(std::function<void(const Decision&)> observer) {
  auto shared = std::make_shared<const std::function<void(const Decision&)>>(std::move(observer));
  std::lock_guard lock(observer_mutex_);
  observer_ = std::move(shared);
}

std::string Engine::current_fingerprint() const {
  std::vector<std::string> dirs = options_.profile_dirs;
  if (auto s = state()) dirs = s->profile_dirs;
  return fingerprint(options_.config_path, dirs);
}

bool Engine::reload() {
  std::lock_guard lock(reload_mutex_);
  const auto start = std::chrono::steady_clock::now();
  const std::string fp = current_fingerprint();
  fingerprint_ = fp;  // a broken edit is retried when the files change again, not every poll
  try {
    auto current = state();
    const auto watched_before = current ? current->profile_dirs : options_.profile_dirs;
    auto next = build(current ? current->generation + 1 : 1);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    log::info("reload_ok", {{"generation", next->generation}, {"duration_ms", ms.count()}});
    const bool dirs_changed = next->profile_dirs != watched_before;
    publish(std::move(next));
    // Keep the fingerprint taken BEFORE the build: an edit that landed while
    // we were building then still differs at the next poll and is loaded.
    // If the config moved the watched dirs, force one more reload so the
    // new dirs get a fingerprint of their own.
    if (dirs_changed) fingerprint_.clear();
    reload_ok_.fetch_add(1, std::memory_order_relaxed);
    notify_reload(true);
    return true;
  } catch (const std::exception& e) {
    reload_error_.fetch_add(1, std::memory_order_relaxed);
    auto current = state();
    log::error("reload_failed", {{"error", e.what()},
                                 {"kept_generation", current ? current->generation : 0}});
    notify_reload(false);
    return false;
  }
}

void Engine::set_reload_observer(std::function<void(bool ok, size_t profiles_loaded)> observer) {
  std::lock_guard lock(observer_mutex_);
  reload_observer_ = std::move(observer);
}

void Engine::notify_reload(bool ok) {
  std::function<void(bool, size_t)> observer;
  {
    std::lock_guard lock(observer_mutex_);
    observer = reload_observer_;
  }
  if (!observer) return;
  auto current = state();
  observer(ok, current ? current->store.size() : 0);
}

void Engine::start_watching() {
  std::lock_guard lock(poll_mutex_);
  if (poller_.joinable()) return;
  stop_polling_ = false;
  poller_ = std::thread([this] { poll_loop(); });
}

void Engine::stop_watching() {
  {
    std::lock_guard lock(poll_mutex_);
    if (!poller_.joinable()) return;
    stop_polling_ = true;
  }
  poll_cv_.notify_all();
  poller_.join();
}

void Engine::poll_loop() {
  std::unique_lock lock(poll_mutex_);
  while (!stop_polling_) {
    poll_cv_.wait_for(lock, options_.poll_interval, [this] { return stop_polling_; });
    if (stop_polling_) break;
    lock.unlock();
    if (poll_once()) reload();
    lock.lock();
  }
}

bool Engine::poll_once() {
  std::lock_guard reload_lock(reload_mutex_);
  auto current = state();
  write_watch_.watch(options_.config_path, current ? current->profile_dirs : options_.profile_dirs);
  const auto& writing = write_watch_.open_writes();  // drained every poll
  const std::string fp = current_fingerprint();
  if (fp == fingerprint_) {
    settling_.clear();
    return false;
  }
  if (fp != settling_) {
    settling_ = fp;  // changed since the last poll: maybe still being written
    return false;
  }
  if (!writing.empty()) {
    const std::string files = join(std::vector<std::string>(writing.begin(), writing.end()), ",");
    if (files != deferred_for_) log::info("reload_deferred", {{"reason", "a writer still has the file open"}, {"files", files}});
    deferred_for_ = files;
    return false;
  }
  deferred_for_.clear();
  settling_.clear();
  return true;
}

EngineStats Engine::stats() const {
  EngineStats s;
  s.applied = applied_.load();
  s.untouched = untouched_.load();
  s.refused = refused_.load();
  s.cache_hits = cache_hits_.load();
  s.cache_misses = cache_misses_.load();
  s.reload_ok = reload_ok_.load();
  s.reload_error = reload_error_.load();
  s.evictions = evictions_.load();
  s.kills = kills_.load();
  s.deadline_refusals = deadline_refusals_.load();
  s.validated = validated_.load();
  s.validation_rejected = validation_rejected_.load();
  if (auto st = state()) {
    s.store_loaded = true;
    s.generation = st->generation;
    s.profiles_loaded = st->store.size() - st->store.broken();
    s.profiles_broken = st->store.broken();
  }
  return s;
}

}  // namespace nri_seccomp::policy
