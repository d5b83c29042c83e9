// Small helpers for the readers tests: run a read and capture its error text.
#pragma once

#include <functional>
#include <string>

#include "seccomp/reader.h"

namespace nri_seccomp::seccomp::test {

// The ProfileError message thrown by `f`, or "(no error)".
std::string error_of(const std::function<void()>& f);

// read_profile with a source name and format, nothing else.
Policy read(std::string_view text, Format format = Format::auto_detect,
            const std::string& source = "test.json");
std::string read_error(std::string_view text, Format format = Format::auto_detect,
                       const std::string& source = "test.json");

bool starts_with(const std::string& text, const std::string& prefix);
#define EXPECT_STARTS_WITH(actual, prefix) \
  EXPECT_PRED2(::nri_seccomp::seccomp::test::starts_with, actual, prefix)

std::string data_path(const std::string& name);
std::string slurp(const std::string& path);

}  // namespace nri_seccomp::seccomp::test
