// Security Profiles Operator `SeccompProfile` objects (YAML or JSON), with
// spec.baseProfileName resolved through ReadOptions::base_lookup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "seccomp/model.h"
#include "seccomp/read_node.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp::detail {

// True if the document is `kind: SeccompProfile`.
bool is_spo(const Node& root);

// `chain` holds the names of the profiles being read, outermost first, for
// cycle detection and messages; it is empty for a top-level read.
Policy read_spo(const Node& root, const ReadOptions& options, std::vector<std::string>& chain);

// Defined in reader.cc: reads a base profile's text in any format, continuing `chain`.
Policy read_profile_in_chain(std::string_view text, const ReadOptions& options,
                             std::vector<std::string>& chain);

}  // namespace nri_seccomp::seccomp::detail
