// Subcommands of the nri-seccomp binary register themselves here, one file each
// (cmd_run.cc, cmd_profile.cc, ...), so main.cc stays a plain dispatcher.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace nri_seccomp::cli {

// `setup` adds the subcommand and its options to the app and returns the
// function that runs it (returns the process exit code).
struct Command {
  std::string name;
  std::function<std::function<int()>(CLI::App& app)> setup;
};

std::vector<Command>& registry();

struct Register {
  explicit Register(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace nri_seccomp::cli
