// What the plugin answered CreateContainer, per container id, kept until the
// runtime asks it to validate that container's final adjustment (NRI calls
// every validator after all plugins answered, in the same request). Bounded:
// a runtime that never validates (or a creation that fails between the two
// calls) must not grow it without limit.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/config.h"
#include "policy/decision.h"

namespace nri_seccomp::policy {

struct Answer {
  Outcome outcome = Outcome::untouched;
  bool judged = true;  // false: exempt or mode off (the plugin takes no position)
  Mode mode = Mode::enforce;
  std::string pod_namespace, pod, container;
  std::string hash;                                  // applied: policy hash
  std::shared_ptr<const std::string> policy_bytes;   // applied: the LinuxSeccomp answered, serialized
  std::string wire_hash;                             // applied: policy_wire_hash of it
  std::string profiles;                              // applied: "a,b" or "replace:a,b"
  uint64_t generation = 0;
};

// The Answer a decision makes (its policy bytes filled by ExpectedAnswers::put).
Answer answer_of(const Decision& d);

class ExpectedAnswers {
 public:
  explicit ExpectedAnswers(size_t capacity = 4096) : capacity_(capacity) {}

  // `policy` is the LinuxSeccomp handed out (applied answers only); its
  // serialized form is kept once per policy hash, not per container.
  void put(const std::string& container_id, Answer answer,
           const ::nri::pkg::api::v1alpha1::LinuxSeccomp* policy);
  // Removes and returns the answer for the container, if any.
  std::optional<Answer> take(const std::string& container_id);
  size_t size() const;

 private:
  struct Wire {
    std::shared_ptr<const std::string> bytes;
    std::string hash;
  };
  const Wire& wire(const std::string& hash, const ::nri::pkg::api::v1alpha1::LinuxSeccomp& policy);

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Answer> by_id_;
  std::deque<std::string> order_;  // insertion order, for the bound
  std::unordered_map<std::string, Wire> wire_by_hash_;
};

}  // namespace nri_seccomp::policy
