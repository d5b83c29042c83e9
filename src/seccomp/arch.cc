// OCI architecture names <-> libseccomp tokens, and syscall name lookups.
#include "seccomp/arch.h"

#include <algorithm>
#include <array>
#include <set>

#include <seccomp.h>

#include "common/error.h"

namespace nri_seccomp::seccomp {
namespace {

// libseccomp 2.5.4's architectures. The audit value differs from the token only
// for x32 (the kernel reports AUDIT_ARCH_X86_64 and sets bit 30 of nr).
struct KnownArch {
  std::string_view name;
  uint32_t token;
  bool is_32bit;
  bool big_endian;
};
constexpr std::array<KnownArch, 19> kArches{{
    {"SCMP_ARCH_X86", SCMP_ARCH_X86, true, false},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, false, false},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32, true, false},  // libseccomp compares 32 bits on x32
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM, true, false},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, false, false},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS, true, true},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64, false, true},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32, true, true},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL, true, false},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64, false, false},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, true, false},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC, true, true},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64, false, true},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, false, false},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390, true, true},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X, false, true},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC, true, true},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64, false, true},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, false, false},
}};

const KnownArch* find_arch(std::string_view name) {
  for (const auto& a : kArches) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const auto& a : kArches) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

}  // namespace

bool is_known_arch(std::string_view oci_name) { return find_arch(oci_name) != nullptr; }

ArchInfo arch_info(std::string_view oci_name) {
  const KnownArch* a = find_arch(oci_name);
  if (a == nullptr) {
    fail<ProfileError>("unknown architecture \"{}\" (known: {})", oci_name, known_names());
  }
  ArchInfo info;
  info.name = std::string(a->name);
  info.token = a->token;
  info.audit_arch = a->token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : a->token;
  info.is_32bit = a->is_32bit;
  info.big_endian = a->big_endian;
  return info;
}

std::string native_arch() {
  const uint32_t token = seccomp_arch_native();
  for (const auto& a : kArches) {
    if (a.token == token) return std::string(a.name);
  }
  fail<ProfileError>("libseccomp reports an unknown native architecture token {:#x}", token);
}

std::vector<std::string> with_sub_architectures(std::string_view native) {
  std::vector<std::string> out{std::string(native)};
  auto add = [&](std::initializer_list<std::string_view> subs) {
    for (auto s : subs) out.emplace_back(s);
  };
  if (native == "SCMP_ARCH_X86_64") add({"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  else if (native == "SCMP_ARCH_AARCH64") add({"SCMP_ARCH_ARM"});
  else if (native == "SCMP_ARCH_MIPS64") add({"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"});
  else if (native == "SCMP_ARCH_MIPSEL64") add({"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"});
  else if (native == "SCMP_ARCH_PPC64") add({"SCMP_ARCH_PPC"});
  else if (native == "SCMP_ARCH_S390X") add({"SCMP_ARCH_S390"});
  else if (native == "SCMP_ARCH_PARISC64") add({"SCMP_ARCH_PARISC"});
  return out;
}

std::optional<int> syscall_number(const ArchInfo& arch, std::string_view name) {
  const std::string n(name);
  // Negative numbers are libseccomp's pseudo syscalls: the name exists in its
  // table but not on this architecture, unless a multiplexer (socketcall,
  // ipc) reaches it, which the "rewrite" lookup reports.
  int nr = seccomp_syscall_resolve_name_arch(arch.token, n.c_str());
  if (nr >= 0) return nr;
  nr = seccomp_syscall_resolve_name_rewrite(arch.token, n.c_str());
  if (nr >= 0) return nr;
  return std::nullopt;
}

std::optional<std::string> syscall_name(const ArchInfo& arch, int nr) {
  char* name = seccomp_syscall_resolve_num_arch(arch.token, nr);
  if (name == nullptr) return std::nullopt;
  std::string out(name);
  free(name);
  return out;
}

std::vector<std::string> known_syscall_names(const std::vector<std::string>& arches) {
  std::set<std::string> names;
  for (const auto& a : arches) {
    const ArchInfo info = arch_info(a);
    // x32 numbers start at bit 30; every table in 2.5.4 ends below 1024 past its base.
    const int base = info.token == SCMP_ARCH_X32 ? 0x40000000 : 0;
    // MIPS o32/n64/n32 tables start at 4000/5000/6000.
    const int start = a.find("MIPS") != std::string::npos ? 4000 : 0;
    const int end = a.find("MIPS") != std::string::npos ? 7000 : 1024;
    for (int nr = start; nr < end; ++nr) {
      if (auto name = syscall_name(info, base + nr)) names.insert(*name);
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace nri_seccomp::seccomp
