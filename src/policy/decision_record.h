// The plugin's own record of what it decided for which container, confirmed
// by the runtime's validation: the evidence the recovery audit trusts where
// the runtime does not report a container's real seccomp policy (CRI-O,
// containerd 2.2). Annotations such as applied-profiles are ordinary
// annotations a pod may carry itself; this file only the plugin writes.
//
// Kept in a small JSON file (--state-file; the DaemonSet puts it on a host
// path) so it survives plugin restarts, written atomically (temporary file,
// fsync, rename) by a background thread: the request path only updates
// memory. A restart loses at most the last ~100 ms of confirmations; the
// audit then reports those containers as unprotected (the safe direction).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

namespace nri_seccomp::policy {

struct RecordedDecision {
  std::string pod_namespace, pod, container;
  std::string profiles;   // "a,b" or "replace:a,b"
  std::string mode;       // enforce | complain
  std::string hash;       // policy hash (as in the decision log)
  std::string wire_hash;  // the LinuxSeccomp as runtimes report it back (policy_wire_hash)
  uint64_t generation = 0;
};

class DecisionRecord {
 public:
  // Loads `path` if it exists (a file that cannot be read is logged and
  // replaced); empty path: kept in memory only.
  explicit DecisionRecord(std::string path = {});
  ~DecisionRecord();
  DecisionRecord(const DecisionRecord&) = delete;
  DecisionRecord& operator=(const DecisionRecord&) = delete;

  void confirm(const std::string& container_id, RecordedDecision decision);
  std::unordered_map<std::string, RecordedDecision> snapshot() const;
  // Forgets containers the runtime no longer has (after a full Synchronize).
  void keep_only(const std::set<std::string>& container_ids);
  // Writes now (tests, shutdown).
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_loop();
  void write_file(const std::string& text) const;
  std::string serialize() const;  // mutex_ held

  const std::string path_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<std::string, RecordedDecision> by_id_;
  bool dirty_ = false, stopping_ = false;
  std::thread writer_;
};

}  // namespace nri_seccomp::policy
