#include "policy/state.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "seccomp/arch.h"
#include "seccomp/runtime_default.h"

namespace nri_seccomp::policy {

std::shared_ptr<const ReadyAdjustment> DecisionCache::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void DecisionCache::put(const std::string& key, std::shared_ptr<const ReadyAdjustment> ready) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries && entries_.find(key) == entries_.end()) {
    // Forget the good combinations (they are rebuilt on demand) but keep the
    // ones whose merged policy failed its check or was replaced by another
    // shape: forgetting those would only redo their compile and check, once
    // per eviction, on the next request.
    std::erase_if(entries_, [](const auto& entry) { return entry.second->check_error.empty() && entry.second->shape.empty(); });
  }
  entries_.insert_or_assign(key, std::move(ready));
}

uint64_t DecisionCache::intern_base(const std::string& identity) {
  std::lock_guard lock(mutex_);
  auto it = bases_.find(identity);
  if (it != bases_.end()) return it->second;
  // Clearing ids is safe only together with the entries keyed by them.
  if (bases_.size() >= kMaxEntries) {
    bases_.clear();
    entries_.clear();
  }
  const uint64_t id = next_base_++;
  bases_.emplace(identity, id);
  return id;
}

size_t DecisionCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

seccomp::ResolveContext State::context_for(seccomp::RuntimeDefault which) const {
  // `context` already carries containerd's set (node_context()) or a caller's
  // own; CRI-O gives containers a smaller default set.
  if (which == seccomp::RuntimeDefault::containerd) return context;
  seccomp::ResolveContext ctx = context;
  ctx.caps = seccomp::default_container_caps(which);
  return ctx;
}

seccomp::ResolveContext node_context() {
  seccomp::ResolveContext ctx = seccomp::default_container_context();
  ctx.arch = seccomp::native_arch();  // libseccomp's view of this machine, one table for all
  struct utsname u {};
  if (::uname(&u) == 0) {
    int major = 0, minor = 0;
    if (std::sscanf(u.release, "%d.%d", &major, &minor) == 2) ctx.kernel = {major, minor};
  }
  return ctx;
}

std::shared_ptr<const State> build_state(StateInputs inputs, uint64_t generation, const State* previous) {
  auto state = std::make_shared<State>();
  state->generation = generation;
  state->config = std::move(inputs.config);
  state->context = inputs.context;
  state->compile_cache = inputs.compile_cache ? inputs.compile_cache : std::make_shared<seccomp::CompileCache>();
  for (const auto& list : {inputs.extra_dirs, state->config.profile_dirs}) {
    for (const auto& dir : list) {
      if (std::find(state->profile_dirs.begin(), state->profile_dirs.end(), dir) == state->profile_dirs.end()) {
        state->profile_dirs.push_back(dir);
      }
    }
  }
  state->compile.unknown_syscalls = state->config.unknown_syscalls == UnknownSyscalls::ignore
                                        ? seccomp::UnknownSyscalls::ignore
                                        : seccomp::UnknownSyscalls::error;
  state->runtime_libseccomp = state->config.runtime_libseccomp.value_or(seccomp::own_libseccomp_version());
  for (auto which : {seccomp::RuntimeDefault::containerd, seccomp::RuntimeDefault::cri_o}) {
    state->runtime_defaults[static_cast<size_t>(which)] =
        std::make_shared<const seccomp::Policy>(seccomp::runtime_default(state->context_for(which), which));
  }

  StoreOptions store_options;
  store_options.dirs = state->profile_dirs;
  store_options.context = state->context;
  store_options.compile = state->compile;
  store_options.compile_cache = state->compile_cache.get();
  state->store = ProfileStore::load(store_options, previous != nullptr ? &previous->store : nullptr);
  state->warnings = state->store.warnings();

  // Names the config relies on but the store lacks: worth a warning now,
  // a refusal (or fallback) when a container needs them.
  auto check_names = [&](const Settings& s, const std::string& where) {
    for (const auto* list : {&s.profiles, &s.mandatory, &s.allowed_profiles}) {
      if (!*list) continue;
      for (const auto& name : **list) {
        const auto* entry = state->store.find(name);
        if (entry == nullptr) {
          state->warnings.push_back(fmt::format("{} names profile {} which is not in the profile dirs", where, name));
        } else if (!entry->ok()) {
          state->warnings.push_back(fmt::format("{} names profile {} which is broken: {}", where, name, entry->error));
        }
      }
    }
  };
  check_names(state->config.defaults, "defaults");
  for (const auto& rule : state->config.rules) check_names(rule.settings, "rule " + rule.name);
  return state;
}

}  // namespace nri_seccomp::policy
