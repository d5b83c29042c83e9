// Denials per container, syscall and action, aggregated: what the operator
// sees (one `seccomp_denial` log line per key when it is first seen, then at
// most one per key per interval with the count since the last line), the
// /denials view, and the counter labels. Bounded: at most `max_keys` keys
// are kept (the oldest-seen key goes first) so a container looping through
// every syscall number cannot grow the daemon.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace nri_seccomp::denials {

// Who was denied, as the plugin knows the container.
struct Subject {
  std::string container_id, pod_namespace, pod, container;
  std::string profiles;  // what the plugin applied ("a,b"); empty when it applied nothing
  std::string mode;      // enforce | complain
};

struct DenialKey {
  std::string container_id, syscall, action;
  friend auto operator<=>(const DenialKey&, const DenialKey&) = default;
};

struct DenialEntry {
  Subject subject;
  std::string syscall, action;
  std::string comm;  // the last process that hit it
  uint64_t count = 0;
  uint64_t first_ms = 0, last_ms = 0;  // record times (ms since the epoch)
  uint64_t logged_count = 0;           // count at the last log line
  std::chrono::steady_clock::time_point logged_at{};
};

class DenialTally {
 public:
  DenialTally(size_t max_keys = 4096, std::chrono::seconds log_interval = std::chrono::seconds(60))
      : max_keys_(max_keys), log_interval_(log_interval) {}

  // Adds one record; returns the entry when a log line is due for its key
  // (first sighting, or the interval passed since the key's last line).
  std::optional<DenialEntry> add(const Subject& subject, const std::string& syscall, const std::string& action,
                                 const std::string& comm, uint64_t time_ms,
                                 std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // Entries with counts not yet logged whose interval passed (a periodic flush).
  std::vector<DenialEntry> due(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  std::vector<DenialEntry> snapshot() const;
  uint64_t dropped_keys() const;

 private:
  const size_t max_keys_;
  const std::chrono::seconds log_interval_;
  mutable std::mutex mutex_;
  std::map<DenialKey, DenialEntry> entries_;
  std::deque<DenialKey> order_;  // first-seen order, for the bound
  uint64_t dropped_keys_ = 0;
};

}  // namespace nri_seccomp::denials
