// Small string helpers shared across stages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nri_seccomp {

// "a,b,c" for {"a","b","c"}; "" for none.
inline std::string join(const std::vector<std::string>& items, std::string_view separator = ",") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace nri_seccomp
