#include "policy/engine.h"

#include <sys/resource.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/strings.h"
#include "policy/config.h"
#include "policy/fingerprint.h"

namespace nri_seccomp::policy {
namespace {

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
  context_ = options_.context ? *options_.context : node_context();
  runtime_ = std::make_shared<const RuntimeCaps>(runtime_caps("", ""));
  fingerprint_ = current_fingerprint();
  publish(build(1));
  if (options_.background_checks) checker_ = std::thread([this] { check_loop(); });
}

Engine::~Engine() {
  stop_watching();
  {
    std::lock_guard lock(check_mutex_);
    stop_checks_ = true;
  }
  check_cv_.notify_all();
  if (checker_.joinable()) checker_.join();
}

void Engine::check_loop() {
  // Lowest CPU priority for this thread only (Linux nice is per thread): a
  // compile must never take the core from a request thread still answering.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  std::unique_lock lock(check_mutex_);
  while (true) {
    check_cv_.wait(lock, [this] { return stop_checks_ || !checks_.empty(); });
    if (stop_checks_) return;
    auto [weak_state, pending] = std::move(checks_.front());
    checks_.pop_front();
    ++checks_running_;
    lock.unlock();
    if (auto state = weak_state.lock()) {  // a replaced state's checks no longer matter
      const std::string error = check_pending(*state, pending);
      if (!error.empty()) {
        checks_failed_.fetch_add(1, std::memory_order_relaxed);
        log::error("merged_policy_check_failed", {{"generation", state->generation}, {"error", error}});
      }
    }
    lock.lock();
    --checks_running_;
    check_cv_.notify_all();
  }
}

void Engine::wait_for_checks() {
  std::unique_lock lock(check_mutex_);
  check_cv_.wait(lock, [this] { return stop_checks_ || (checks_.empty() && checks_running_ == 0); });
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
                              {"rules", next->config.rules.size()}});
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

Decision Engine::decide(const ::nri::pkg::api::v1alpha1::CreateContainerRequest& request,
                        ::nri::pkg::api::v1alpha1::CreateContainerResponse& response) {
  std::shared_ptr<const State> state;
  std::shared_ptr<const RuntimeCaps> runtime;
  {
    std::lock_guard lock(state_mutex_);
    state = state_;
    runtime = runtime_;
  }
  std::optional<PendingCheck> pending;
  Decision d = policy::decide(*state, *runtime, request, response, options_.background_checks ? &pending : nullptr);
  if (pending) {
    {
      std::lock_guard lock(check_mutex_);
      checks_.emplace_back(state, std::move(*pending));
    }
    check_cv_.notify_all();
  }
  report(*state, d);
  return d;
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
    bool changed;
    {
      std::lock_guard reload_lock(reload_mutex_);
      changed = current_fingerprint() != fingerprint_;
    }
    if (changed) reload();
    lock.lock();
  }
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
  s.checks_failed = checks_failed_.load();
  if (auto st = state()) {
    s.store_loaded = true;
    s.generation = st->generation;
    s.profiles_loaded = st->store.size() - st->store.broken();
    s.profiles_broken = st->store.broken();
  }
  return s;
}

}  // namespace nri_seccomp::policy
