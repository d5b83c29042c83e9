// Optional JSON-lines audit trail of decisions (config `auditLog`): one object
// per CreateContainer with the same fields as the `decision` log line, for
// operators who want decisions outside the daemon's stderr.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "policy/decision.h"

namespace nri_seccomp::policy {

// The decision as one JSON object (no trailing newline); also used by `apply`.
std::string decision_json(const Decision& d);

class AuditLog {
 public:
  ~AuditLog();
  // Appends one line to `path` (opening or re-opening it when the path
  // changes). Failures are logged once per path and never fail a request.
  void write(const std::string& path, const Decision& d);

 private:
  std::mutex mutex_;
  std::string path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
};

}  // namespace nri_seccomp::policy
