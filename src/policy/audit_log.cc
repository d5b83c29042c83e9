#include "policy/audit_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace nri_seccomp::policy {

std::string decision_json(const Decision& d) {
  nlohmann::json j;
  const auto now = std::chrono::system_clock::now();
  j["ts_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  j["namespace"] = d.pod_namespace;
  j["pod"] = d.pod;
  j["container"] = d.container;
  j["base"] = d.base;
  j["profiles"] = d.profiles;
  j["replace"] = d.replace;
  j["mode"] = std::string(mode_name(d.mode));
  j["outcome"] = std::string(outcome_name(d.outcome));
  j["hash"] = d.hash;
  j["syscall_rules"] = d.syscall_rules;
  j["policy_rule"] = d.rule;
  j["reason_code"] = std::string(d.reason_code);
  j["reason"] = d.reason;
  j["warnings"] = d.warnings;
  j["cache"] = d.cache_hit ? "hit" : "miss";
  j["generation"] = d.generation;
  j["duration_us"] = d.duration.count();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AuditLog::~AuditLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void AuditLog::write(const std::string& path, const Decision& d) {
  if (path.empty()) return;
  const std::string line = decision_json(d) + "\n";
  std::lock_guard lock(mutex_);
  if (path != path_) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::fopen(path.c_str(), "a");
    path_ = path;
    failed_ = false;
    if (file_ == nullptr) {
      failed_ = true;
      log::error("audit_log_open_failed", {{"path", path}, {"error", std::strerror(errno)}});
      return;
    }
  }
  if (file_ == nullptr) return;
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    if (!failed_) log::error("audit_log_write_failed", {{"path", path}, {"error", std::strerror(errno)}});
    failed_ = true;
  }
}

}  // namespace nri_seccomp::policy
