#include "policy/expected_answers.h"

#include "common/strings.h"
#include "policy/annotations.h"
#include "policy/validation.h"

namespace nri_seccomp::policy {

Answer answer_of(const Decision& d) {
  Answer a;
  a.outcome = d.outcome;
  a.judged = d.mode != Mode::off && d.reason.rfind("exempt", 0) != 0;
  a.mode = d.mode;
  a.pod_namespace = d.pod_namespace;
  a.pod = d.pod;
  a.container = d.container;
  a.generation = d.generation;
  if (d.outcome == Outcome::applied) {
    a.hash = d.hash;
    a.profiles = (d.replace ? std::string(kReplacePrefix) : std::string()) + join(d.profiles);
  }
  return a;
}

void ExpectedAnswers::put(const std::string& container_id, Answer answer,
                          const ::nri::pkg::api::v1alpha1::LinuxSeccomp* policy) {
  std::lock_guard lock(mutex_);
  if (answer.outcome == Outcome::applied && policy != nullptr) {
    const Wire& w = wire(answer.hash, *policy);
    answer.policy_bytes = w.bytes;
    answer.wire_hash = w.hash;
  }
  auto [it, inserted] = by_id_.insert_or_assign(container_id, std::move(answer));
  if (inserted) order_.push_back(container_id);
  while (by_id_.size() > capacity_ && !order_.empty()) {
    by_id_.erase(order_.front());
    order_.pop_front();
  }
  // Ids taken by validation leave stale entries in order_: trim them too.
  if (order_.size() > 2 * capacity_) {
    std::deque<std::string> live;
    for (auto& id : order_) {
      if (by_id_.count(id)) live.push_back(std::move(id));
    }
    order_.swap(live);
  }
}

std::optional<Answer> ExpectedAnswers::take(const std::string& container_id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(container_id);
  if (it == by_id_.end()) return std::nullopt;
  Answer answer = std::move(it->second);
  by_id_.erase(it);
  return answer;
}

size_t ExpectedAnswers::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

const ExpectedAnswers::Wire& ExpectedAnswers::wire(const std::string& hash,
                                                   const ::nri::pkg::api::v1alpha1::LinuxSeccomp& policy) {
  auto it = wire_by_hash_.find(hash);
  if (it != wire_by_hash_.end()) return it->second;
  // A policy is a few KB; a node sees a handful of combinations. Start over
  // rather than track use when an unusual node holds too many.
  if (wire_by_hash_.size() >= 256) wire_by_hash_.clear();
  Wire w{std::make_shared<const std::string>(policy.SerializeAsString()), policy_wire_hash(policy)};
  return wire_by_hash_.emplace(hash, std::move(w)).first->second;
}

}  // namespace nri_seccomp::policy
