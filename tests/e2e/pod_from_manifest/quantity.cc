#include "quantity.h"

#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>

namespace nri_seccomp::e2e {
namespace {

// The number in front of the suffix; SUFFIX receives the rest.
double leading_number(const std::string& q, const std::string& where, std::string* suffix) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(q, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  // Plain decimal numbers only (no nan, inf or hex).
  const bool decimal = !q.empty() && (std::isdigit(static_cast<unsigned char>(q[0])) || q[0] == '.');
  if (used == 0 || !decimal || !std::isfinite(value) || value < 0 || q.find_first_of("xXpP") < used) throw std::runtime_error(where + ": \"" + q + "\" is not a quantity");
  *suffix = q.substr(used);
  return value;
}

}  // namespace

int64_t milli_cpu(const std::string& q, const std::string& where) {
  std::string suffix;
  const double value = leading_number(q, where, &suffix);
  if (suffix == "m") return static_cast<int64_t>(std::ceil(value));
  if (suffix.empty()) return static_cast<int64_t>(std::ceil(value * 1000));
  throw std::runtime_error(where + ": CPU quantity \"" + q + "\" has an unknown suffix");
}

int64_t bytes(const std::string& q, const std::string& where) {
  static const std::map<std::string, double> factor = {
      {"", 1},         {"k", 1e3},           {"M", 1e6},           {"G", 1e9},
      {"Ki", 1024.0},  {"Mi", 1048576.0},    {"Gi", 1073741824.0},
  };
  std::string suffix;
  const double value = leading_number(q, where, &suffix);
  auto it = factor.find(suffix);
  if (it == factor.end()) throw std::runtime_error(where + ": memory quantity \"" + q + "\" has an unknown suffix");
  return static_cast<int64_t>(std::ceil(value * it->second));
}

}  // namespace nri_seccomp::e2e
