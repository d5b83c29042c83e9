// Helpers shared by the deploy tests: whole files and shell commands.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace deploy_test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CommandResult {
  int status = -1;
  std::string output;
};

// Runs COMMAND with /bin/sh and collects its stdout (callers add 2>&1).
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = ::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  result.status = ::pclose(pipe);
  return result;
}

// TEXT in single quotes for /bin/sh.
inline std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace deploy_test
