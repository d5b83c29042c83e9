#include "denials/denial_tally.h"

namespace nri_seccomp::denials {

std::optional<DenialEntry> DenialTally::add(const Subject& subject, const std::string& syscall, const std::string& action,
                                            const std::string& comm, uint64_t time_ms,
                                            std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  DenialKey key{subject.container_id, syscall, action};
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    while (entries_.size() >= max_keys_ && !order_.empty()) {
      entries_.erase(order_.front());
      order_.pop_front();
      ++dropped_keys_;
    }
    DenialEntry e;
    e.subject = subject;
    e.syscall = syscall;
    e.action = action;
    e.first_ms = time_ms;
    it = entries_.emplace(key, std::move(e)).first;
    order_.push_back(std::move(key));
  }
  DenialEntry& e = it->second;
  ++e.count;
  e.last_ms = time_ms;
  e.comm = comm;
  const bool first = e.logged_count == 0;
  if (!first && now - e.logged_at < log_interval_) return std::nullopt;
  e.logged_count = e.count;
  e.logged_at = now;
  return e;
}

std::vector<DenialEntry> DenialTally::due(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<DenialEntry> out;
  for (auto& [key, e] : entries_) {
    if (e.count == e.logged_count || now - e.logged_at < log_interval_) continue;
    e.logged_count = e.count;
    e.logged_at = now;
    out.push_back(e);
  }
  return out;
}

std::vector<DenialEntry> DenialTally::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<DenialEntry> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_) out.push_back(e);
  return out;
}

uint64_t DenialTally::dropped_keys() const {
  std::lock_guard lock(mutex_);
  return dropped_keys_;
}

}  // namespace nri_seccomp::denials
