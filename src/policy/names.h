// Profile names as annotations and the config spell them: plain file names
// without extension, so a name can never point outside the profile dirs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nri_seccomp::policy {

inline constexpr size_t kMaxProfileNameLength = 253;

// nullopt if `name` is a valid plain profile name, else why not (for messages).
std::optional<std::string> profile_name_problem(std::string_view name);

// The name a profile file is known by: file name minus .json/.yaml/.yml;
// nullopt for files that are not profiles (other extensions, hidden files).
std::optional<std::string> profile_name_of_file(std::string_view file_name);

}  // namespace nri_seccomp::policy
