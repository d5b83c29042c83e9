#include "test_util.h"

#include <fstream>
#include <sstream>

#include "common/error.h"

namespace nri_seccomp::seccomp::test {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(no error)";
}

Policy read(std::string_view text, Format format, const std::string& source) {
  ReadOptions options;
  options.source_name = source;
  options.format = format;
  return read_profile(text, options);
}

std::string read_error(std::string_view text, Format format, const std::string& source) {
  return error_of([&] { read(text, format, source); });
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

std::string data_path(const std::string& name) { return std::string(NRI_SECCOMP_TEST_DATA) + "/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace nri_seccomp::seccomp::test
