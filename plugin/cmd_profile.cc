// `nri-seccomp profile check|merge|explain`: the engine for operators, so a
// profile can be validated, merged and questioned before a pod uses it.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "common/error.h"
#include "seccomp/arch.h"
#include "seccomp/bpf_eval.h"
#include "seccomp/compile.h"
#include "seccomp/explain.h"
#include "seccomp/libseccomp_hazards.h"
#include "seccomp/lint.h"
#include "seccomp/merge.h"
#include "seccomp/reader.h"
#include "seccomp/runtime_default.h"
#include "seccomp/shapes.h"
#include "seccomp/transform.h"
#include "seccomp/writer.h"

namespace {

using namespace nri_seccomp;
using namespace nri_seccomp::seccomp;

constexpr const char* kExitCodes =
    "Exit codes: 0 success; 1 a profile is invalid, cannot be merged exactly or cannot be compiled "
    "into a filter that verifies "
    "(message on stderr names the file and the reason); 105/106/109/... command line errors (CLI11).";

// A profile argument: a file (OCI, moby JSON or SPO YAML, detected), or the
// built-in "runtime-default".
Policy load(const std::string& spec) {
  if (spec == "runtime-default") return runtime_default();
  ReadOptions options;
  options.context = default_container_context();
  return read_profile_file(spec, options);
}

CompileOptions compile_options(const std::string& unknown, const std::vector<std::string>& arches,
                               const std::string& runtime_libseccomp) {
  CompileOptions o;
  o.architectures = arches;
  o.unknown_syscalls = unknown == "ignore" ? UnknownSyscalls::ignore : UnknownSyscalls::error;
  // Checked by the option's validator: only an empty string is left unparsed.
  o.runtime_libseccomp = parse_libseccomp_version(runtime_libseccomp);
  return o;
}

int check(const std::vector<std::string>& files, const CompileOptions& options, bool verbose) {
  int status = 0;
  for (const auto& file : files) {
    try {
      const Policy policy = load(file);
      // Rules libseccomp silently shadows or runc reads differently: always
      // shown, they change what the profile does.
      for (const auto& w : lint(policy)) std::cerr << file << ": warning: " << w << "\n";
      const CompiledPolicy compiled = check_and_compile(policy, options);
      // Multi-arch profiles name syscalls of every architecture (getegid32
      // next to getegid), so skipped names are normal: counted, listed on request.
      if (verbose) {
        for (const auto& w : compiled.warnings) std::cerr << file << ": warning: " << w << "\n";
      } else if (!compiled.warnings.empty()) {
        std::cerr << file << ": " << compiled.warnings.size() << " warnings (names skipped on some "
                  << "architectures, ...); --verbose lists them\n";
      }
      std::cout << file << ": ok";
      for (const auto& p : compiled.programs) std::cout << " " << p.arch << "=" << p.instructions;
      // Whose known-bad patterns were refused: the runtime compiles the final filter itself.
      const std::string runtime = options.runtime_libseccomp ? options.runtime_libseccomp->text() + " (--runtime-libseccomp)"
                                                             : libseccomp_version() + " (assumed: the plugin's)";
      std::cout << " total=" << compiled.total_instructions << " instructions, verified on "
                << compiled.verified_inputs << " inputs (libseccomp " << libseccomp_version()
                << "; runtime libseccomp " << runtime << ")\n";
    } catch (const Error& e) {
      std::cerr << file << ": error: " << e.what() << "\n";
      status = 1;
    }
  }
  return status;
}

int merge_cmd(std::string base_spec, std::vector<std::string> files, bool for_nri, bool pretty) {
  if (base_spec.empty()) {
    if (files.empty()) fail<ProfileError>("merge needs a base (file, none or runtime-default)");
    base_spec = files.front();
    files.erase(files.begin());
  }
  std::optional<Policy> base;
  std::vector<std::string> sources;
  if (base_spec != "none") {
    base = load(base_spec);
    sources.push_back(base_spec);
  }
  std::vector<Policy> overlays;
  for (const auto& f : files) {
    overlays.push_back(load(f));
    sources.push_back(f);
  }
  Policy merged = merge(base ? &*base : nullptr, overlays, sources);
  if (for_nri) merged = preserve_default_errno(merged);
  // Only a result whose compiled filter decides what it says is printed; if
  // libseccomp compiles it wrong, an equivalent shape it gets right, else an
  // error. Names of other architectures are skipped, as the daemon does.
  CompileOptions options;
  options.unknown_syscalls = UnknownSyscalls::ignore;
  VerifiedShape shape = compile_verified_shape(merged, options);
  if (shape.shape != "as written") {
    std::cerr << "nri-seccomp profile: note: libseccomp " << libseccomp_version()
              << " compiles the merge as written wrong; printing it as " << shape.shape << " (same meaning)\n";
  }
  std::cout << to_oci_json(shape.policy, pretty) << "\n";
  return 0;
}

int explain_cmd(const std::string& file, const std::string& syscall, std::string arch,
                const std::vector<std::string>& arg_specs) {
  const Policy policy = load(file);
  if (arch.empty()) arch = native_arch();
  std::array<uint64_t, 6> args{};
  for (const auto& spec : arg_specs) {
    const auto eq = spec.find('=');
    size_t index = 0;
    uint64_t value = 0;
    try {
      if (eq == std::string::npos) throw std::invalid_argument("no =");
      size_t used = 0;
      index = std::stoul(spec.substr(0, eq), &used, 10);
      if (used != eq) throw std::invalid_argument("index");
      const std::string v = spec.substr(eq + 1);
      value = std::stoull(v, &used, 0);
      if (used != v.size()) throw std::invalid_argument("value");
    } catch (const std::logic_error&) {
      fail("--arg \"{}\": expected N=VALUE with N in 0..5 and VALUE decimal or 0x-hex", spec);
    }
    if (index > 5) fail("--arg \"{}\": argument index {} is out of range (0..5)", spec, index);
    args[index] = value;
  }
  const Explanation e = explain(policy, arch, syscall, args);
  std::cout << file << ": " << arch << " " << syscall << ": " << describe(e, policy) << "\n";
  // Cross-check with the compiled filter the runtime would build.
  CompileOptions options;
  options.unknown_syscalls = UnknownSyscalls::ignore;
  options.verify = false;  // compared below for this one input, with a warning instead of a refusal
  const CompiledPolicy compiled = check_and_compile(policy, options);
  const ArchInfo info = arch_info(arch);
  const auto nr = syscall_number(info, syscall);
  for (const auto& p : compiled.programs) {
    if (p.arch != arch || !nr) continue;
    SeccompData data;
    data.nr = *nr;
    data.arch = info.audit_arch;
    data.args = args;
    const uint32_t ret = evaluate(decode_bpf(p.bpf), data, info.big_endian);
    if (ret != e.ret) {
      std::cerr << file << ": warning: the compiled filter answers " << describe_ret(ret)
                << " (libseccomp resolved overlapping rules differently)\n";
    }
  }
  return 0;
}

cli::Register reg{{"profile", [](CLI::App& app) {
  app.description("Check, merge and explain seccomp profiles with the plugin's engine");
  app.footer(kExitCodes);
  app.require_subcommand(1);
  struct State {
    std::vector<std::string> files;
    std::string unknown = "error";
    std::vector<std::string> arches;
    std::string runtime_libseccomp;
    std::string base;
    bool for_nri = false;
    bool pretty = false;
    bool verbose = false;
    std::string syscall;
    std::string arch;
    std::vector<std::string> arg_specs;
  };
  auto s = std::make_shared<State>();

  auto* check_cmd = app.add_subcommand("check", "Validate, compile and verify profiles; lint shadowed rules; print BPF instruction counts");
  check_cmd->add_option("files", s->files, "profile files (or runtime-default)")->required();
  check_cmd->add_option("--unknown-syscalls", s->unknown,
                        "error: names existing on no target architecture are errors; ignore: skip them")
      ->check(CLI::IsMember({"error", "ignore"}));
  check_cmd->add_option("--arch", s->arches, "target architecture (repeatable); default: the profile's own")
      ->check([](const std::string& a) { return is_known_arch(a) ? std::string() : "unknown architecture " + a; });
  check_cmd->add_option("--runtime-libseccomp", s->runtime_libseccomp,
                        "the runtime's libseccomp (MAJOR.MINOR.MICRO): also refuse its known-bad rule patterns")
      ->check([](const std::string& v) {
        return parse_libseccomp_version(v) ? std::string() : "\"" + v + "\" is not a libseccomp version (expected MAJOR.MINOR.MICRO, e.g. 2.5.4)";
      });
  check_cmd->add_flag("--verbose", s->verbose, "list every warning");
  check_cmd->footer(kExitCodes);

  auto* merge = app.add_subcommand("merge", "Merge profiles stricter-wins; print the OCI JSON");
  merge->add_option("profiles", s->files, "BASE OVERLAY... (BASE may be none or runtime-default)")->required();
  merge->add_option("--base", s->base, "base profile: a file, none (no filter) or runtime-default; "
                                       "then every positional profile is an overlay");
  merge->add_flag("--for-nri", s->for_nri, "keep defaultErrnoRet's meaning through NRI (which drops it)");
  merge->add_flag("--pretty", s->pretty, "indent the JSON");
  merge->footer(kExitCodes);

  auto* explain = app.add_subcommand("explain", "Which action a syscall gets, and which rule decides it");
  explain->add_option("file", s->files, "profile file (or runtime-default)")->required()->expected(1);
  explain->add_option("--syscall", s->syscall, "syscall name")->required();
  explain->add_option("--arch", s->arch, "architecture (default: native)");
  explain->add_option("--arg", s->arg_specs, "N=VALUE (repeatable), VALUE decimal or 0x-hex");
  explain->footer(kExitCodes);

  return [s, check_cmd, merge, explain]() -> int {
    try {
      if (check_cmd->parsed()) return check(s->files, compile_options(s->unknown, s->arches, s->runtime_libseccomp), s->verbose);
      if (merge->parsed()) return merge_cmd(s->base, s->files, s->for_nri, s->pretty);
      if (explain->parsed()) return explain_cmd(s->files.at(0), s->syscall, s->arch, s->arg_specs);
    } catch (const Error& e) {
      std::cerr << "nri-seccomp profile: " << e.what() << "\n";
      return 1;
    }
    return 2;
  };
}}};

}  // namespace
