// A parsed profile document, independent of its syntax: JSON and YAML both end
// up as an nlohmann::json tree, plus (for YAML) the line of every node so
// errors can point at it. Parsing is where the hostile-input limits live:
// nesting depth, duplicate keys, node count, and no recursion that input can
// drive deeper than kMaxNesting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace nri_seccomp::seccomp::detail {

struct Document {
  std::string source;  // for messages
  bool yaml = false;
  nlohmann::json root;
  std::unordered_map<std::string, int> lines;  // JSON-path -> 1-based line (YAML only)
  bool strict = true;                          // unknown fields are errors
  std::vector<std::string>* warnings = nullptr;  // non-strict: where ignored fields are noted
};

// Both throw ProfileError "profile <source>: malformed JSON|YAML at line L, column C: ...".
Document parse_json(std::string_view text, const std::string& source);
Document parse_yaml(std::string_view text, const std::string& source);

// Bounds what yaml-cpp's recursive parser can be made to do (flow and block
// nesting) before any YAML reaches it; throws ProfileError "<what>: YAML line
// N: nesting deeper than ...". The policy config goes through it too.
void check_yaml_nesting(std::string_view text, std::string_view what);

// Path helpers, so every layer spells paths the same way: `a.b[3].c`.
std::string child_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, size_t index);

}  // namespace nri_seccomp::seccomp::detail
