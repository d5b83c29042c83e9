// OCI spellings of actions and operators, in one table each so the parser, the
// printer and the "accepted values" part of error messages cannot disagree.
#include "seccomp/model.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "common/error.h"

namespace nri_seccomp::seccomp {
namespace {

// Canonical spelling first for each action (the printer uses the first match);
// SCMP_ACT_KILL stays canonical for kill_thread because older runtimes only
// know that name.
constexpr std::array<std::pair<std::string_view, Action>, 9> kActions{{
    {"SCMP_ACT_KILL", Action::kill_thread},
    {"SCMP_ACT_KILL_THREAD", Action::kill_thread},
    {"SCMP_ACT_KILL_PROCESS", Action::kill_process},
    {"SCMP_ACT_TRAP", Action::trap},
    {"SCMP_ACT_ERRNO", Action::errno_ret},
    {"SCMP_ACT_NOTIFY", Action::notify},
    {"SCMP_ACT_TRACE", Action::trace},
    {"SCMP_ACT_LOG", Action::log},
    {"SCMP_ACT_ALLOW", Action::allow},
}};

constexpr std::array<std::pair<std::string_view, Op>, 7> kOps{{
    {"SCMP_CMP_NE", Op::ne},
    {"SCMP_CMP_LT", Op::lt},
    {"SCMP_CMP_LE", Op::le},
    {"SCMP_CMP_EQ", Op::eq},
    {"SCMP_CMP_GE", Op::ge},
    {"SCMP_CMP_GT", Op::gt},
    {"SCMP_CMP_MASKED_EQ", Op::masked_eq},
}};

template <typename Table>
std::string accepted(const Table& table) {
  std::string out;
  for (const auto& [name, value] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view action_name(Action a) {
  for (const auto& [name, value] : kActions) {
    if (value == a) return name;
  }
  return "SCMP_ACT_INVALID";  // unreachable for valid enum values
}

Action parse_action(std::string_view oci_name) {
  for (const auto& [name, value] : kActions) {
    if (name == oci_name) return value;
  }
  fail<ProfileError>("unknown action \"{}\" (accepted: {})", oci_name, accepted(kActions));
}

std::string_view op_name(Op op) {
  for (const auto& [name, value] : kOps) {
    if (value == op) return name;
  }
  return "SCMP_CMP_INVALID";
}

Op parse_op(std::string_view oci_name) {
  for (const auto& [name, value] : kOps) {
    if (name == oci_name) return value;
  }
  fail<ProfileError>("unknown operator \"{}\" (accepted: {})", oci_name, accepted(kOps));
}

}  // namespace nri_seccomp::seccomp
