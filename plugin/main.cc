// nri-seccomp: the daemon (`run`) and the operator tools (`profile`, `apply`, ...).
#include <iostream>
#include <map>

#include "command.h"
#include "common/error.h"

namespace nri_seccomp::cli {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace nri_seccomp::cli

int main(int argc, char** argv) {
  using namespace nri_seccomp;
  CLI::App app{"nri-seccomp: seccomp policy for containers, as an NRI plugin"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "nri-seccomp 0.1.0");

  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& command : cli::registry()) {
    auto* sub = app.add_subcommand(command.name);
    runners[sub] = command.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto* sub : app.get_subcommands()) {
      if (auto it = runners.find(sub); it != runners.end()) return it->second();
    }
  } catch (const Error& e) {
    std::cerr << "nri-seccomp: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
