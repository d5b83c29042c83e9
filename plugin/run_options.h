// Options of `nri-seccomp run` (the daemon), as parsed from the command line.
// The handler factory gets them whole so the policy layer can read what it
// needs (config file, profile directories) without the CLI knowing about it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nri/handler.h"

namespace nri_seccomp {

struct RunOptions {
  std::string socket = "/var/run/nri/nri.sock";
  std::string name = "seccomp";
  std::string idx = "10";
  std::string config_file;                // empty: none
  std::vector<std::string> profile_dirs;  // --profiles-dir, in order given
  std::string state_file;                 // --state-file: the record of validated decisions; empty: memory only
  std::string metrics_address;            // --metrics-address HOST:PORT; empty: config's, else off
  std::string log_level = "info";
  std::string log_format = "text";
};

// The CreateContainer decision maker for the daemon (plugin/handler_factory.cc).
std::unique_ptr<nri::Handler> make_handler(const RunOptions& options);

}  // namespace nri_seccomp
