// `nri-seccomp version`: prints the build's version and the libseccomp it links.
#include <iostream>

#include <seccomp.h>

#include "command.h"

namespace {
nri_seccomp::cli::Register reg{{"version", [](CLI::App& app) {
  app.description("Print version information");
  return [] {
    const scmp_version* v = seccomp_version();
    std::cout << "nri-seccomp 0.1.0 (libseccomp " << v->major << "." << v->minor << "." << v->micro << ")\n";
    return 0;
  };
}}};
}  // namespace
