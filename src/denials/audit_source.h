// Where the daemon reads seccomp audit records from, as they happen:
//   - the audit netlink multicast group (AUDIT_NLGRP_READLOG): needs
//     CAP_AUDIT_READ, works whether or not an audit daemon runs, and is not
//     rate-limited by printk;
//   - /dev/kmsg otherwise: the kernel prints audit records there only while
//     no audit daemon has registered (with one, they go to its log instead),
//     and printk rate limits apply.
// The daemon uses the first that opens and logs which one and why.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "denials/seccomp_record.h"

namespace nri_seccomp::denials {

struct SourceStats {
  uint64_t records = 0;      // seccomp records parsed
  uint64_t unparsed = 0;     // seccomp records the parser refused
  uint64_t lost = 0;         // records the kernel dropped before we read them (overrun)
};

class AuditSource {
 public:
  virtual ~AuditSource() = default;
  // "netlink" or "kmsg".
  virtual std::string name() const = 0;
  // Waits up to `timeout` for records; appends the seccomp ones to `out`.
  // Returns false when the source broke (the reason is logged).
  virtual bool read(std::chrono::milliseconds timeout, std::vector<SeccompRecord>& out) = 0;
  const SourceStats& stats() const { return stats_; }

 protected:
  SourceStats stats_;
};

// The netlink group if it can be joined, else /dev/kmsg (from its end: only
// new records), else null. `why` says what was chosen and why the other was not.
std::unique_ptr<AuditSource> open_audit_source(std::string& why);

}  // namespace nri_seccomp::denials
