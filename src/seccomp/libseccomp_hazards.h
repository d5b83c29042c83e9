// Rule patterns that particular libseccomp versions compile wrong or never
// finish compiling, in one table (libseccomp_hazards.cc), each row a version
// range, a detector and a message.
//
// Two libseccomps matter: the plugin's own (it compiles and verifies every
// filter; a pattern that hangs it must be refused before it compiles) and the
// runtime's (runc links the node's, static builds carry their own; it
// compiles the filter the container really gets). The policy may declare the
// runtime's (runtimeLibseccomp); by default it is taken to be the plugin's.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "seccomp/model.h"

namespace nri_seccomp::seccomp {

struct LibseccompVersion {
  unsigned major = 0, minor = 0, micro = 0;
  auto operator<=>(const LibseccompVersion&) const = default;
  std::string text() const;  // "2.5.4"
};

// Strictly MAJOR.MINOR.MICRO, decimal digits only, each part below 1000
// ("2.5.4"; not "v2.5.4", "2.5", "2.5.4-1"). nullopt otherwise.
std::optional<LibseccompVersion> parse_libseccomp_version(std::string_view text);

// The libseccomp this process is linked with.
LibseccompVersion own_libseccomp_version();

// A policy hits a known-bad pattern of the libseccomp version checked.
class LibseccompHazard : public ProfileError {
 public:
  using ProfileError::ProfileError;
};

// Throws LibseccompHazard naming the version, the rules, the syscall and the
// pattern, for the first known-bad pattern of `version` the policy contains.
void check_libseccomp_hazards(const Policy& policy, const LibseccompVersion& version);

// The same for the plugin's own libseccomp (check_and_compile runs it before
// compiling, so the plugin never hangs in its own compile).
void check_libseccomp_hazards(const Policy& policy);

}  // namespace nri_seccomp::seccomp
