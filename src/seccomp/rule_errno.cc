#include "seccomp/rule_errno.h"

#include <errno.h>
#include <string.h>

#include "common/error.h"
#include "common/strings.h"

namespace nri_seccomp::seccomp {
namespace {

std::string errno_label(uint32_t value) {
  const char* name = value <= 4095 ? ::strerrorname_np(static_cast<int>(value)) : nullptr;
  return name != nullptr ? fmt::format("errno {} ({})", value, name) : fmt::format("errno {}", value);
}

// What the runtime would do with `action`/`data` once the data is gone.
// Returns the empty string when that is the same verdict.
std::string fit(Action& action, std::optional<uint32_t>& data, ErrnoFallback fallback) {
  const std::optional<uint32_t> had = data;
  data.reset();
  if (!had) return {};
  if (action == Action::errno_ret) {
    if (*had == kDefaultErrno) return {};
    if (fallback == ErrnoFallback::approximate && *had == ENOSYS) {
      action = Action::trace;
      return fmt::format("ERRNO({}) -> TRACE", errno_label(*had));
    }
    return fallback == ErrnoFallback::approximate ? fmt::format("ERRNO({}) -> ERRNO(EPERM)", errno_label(*had))
                                                  : errno_label(*had);
  }
  // runc gives TRACE without data the message number 1 (EPERM), as it gives
  // ERRNO errno 1: only that number survives; it matters to a tracer alone.
  if (action == Action::trace && *had != kDefaultErrno) {
    return fallback == ErrnoFallback::approximate ? fmt::format("TRACE({}) -> TRACE(1)", *had)
                                                  : fmt::format("trace message {}", *had);
  }
  return {};
}

}  // namespace

WithoutRuleErrno without_rule_errno(const Policy& policy, ErrnoFallback fallback) {
  WithoutRuleErrno out{policy, {}};
  std::vector<std::string> problems;
  auto note = [&](std::string what, const std::string& where) {
    if (what.empty()) return;
    (fallback == ErrnoFallback::refuse ? problems : out.changed).push_back(fmt::format("{} for {}", what, where));
  };
  note(fit(out.policy.default_action, out.policy.default_errno, fallback), "the default action");
  for (auto& rule : out.policy.syscalls) {
    note(fit(rule.action, rule.errno_ret, fallback), rule.names.empty() ? std::string("a rule without names") : join(rule.names, ","));
  }
  if (!problems.empty()) {
    constexpr size_t kShown = 4;  // the message must stay readable in kubelet events
    std::string shown = join(std::vector<std::string>(problems.begin(), problems.begin() + std::min(problems.size(), kShown)), "; ");
    if (problems.size() > kShown) shown += fmt::format("; and {} more", problems.size() - kShown);
    fail<ProfileError>("{}", shown);
  }
  return out;
}

}  // namespace nri_seccomp::seccomp
