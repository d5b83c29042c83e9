// Structured logging on top of spdlog: one line per decision or event, with
// stable field names. Text format: `event key=value key="with space"`;
// JSON format: one object per line {"ts":..,"level":..,"event":..,key:value}.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

namespace nri_seccomp::log {

enum class Format { text, json };

// Configures the default logger (stderr). `level` is an spdlog level name
// (trace, debug, info, warn, error, critical, off). Throws Error on bad input.
void setup(std::string_view level, std::string_view format);

Format format();

using Field = std::pair<std::string_view, std::string_view>;

// Renders `event` plus fields in the configured format (without timestamp/level,
// which the logger pattern adds in text mode; in JSON mode everything is inline).
std::string render(std::string_view event, std::initializer_list<Field> fields);

inline void event(spdlog::level::level_enum level, std::string_view name,
                  std::initializer_list<Field> fields) {
  if (!spdlog::should_log(level)) return;
  spdlog::log(level, "{}", render(name, fields));
}
inline void info(std::string_view name, std::initializer_list<Field> fields = {}) {
  event(spdlog::level::info, name, fields);
}
inline void warn(std::string_view name, std::initializer_list<Field> fields = {}) {
  event(spdlog::level::warn, name, fields);
}
inline void error(std::string_view name, std::initializer_list<Field> fields = {}) {
  event(spdlog::level::err, name, fields);
}
inline void debug(std::string_view name, std::initializer_list<Field> fields = {}) {
  event(spdlog::level::debug, name, fields);
}

}  // namespace nri_seccomp::log
