// Structured logging on top of spdlog: one line per decision or event, with
// stable field names. Text format: `event key=value key="with space"`;
// JSON format: one object per line {"ts":..,"level":..,"event":..,key:value}.
#pragma once

#include <charconv>
#include <concepts>
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

// One key=value of a log line. Integers stay numbers (JSON numbers in the JSON
// format); everything else is text. Built in place inside the braces of a
// call, so the number's digits live as long as the call.
class Field {
 public:
  Field(std::string_view key, std::string_view value) : key_(key), text_(value) {}
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  Field(std::string_view key, T value) : key_(key), numeric_(true) {
    digits_ = static_cast<uint8_t>(std::to_chars(buffer_, buffer_ + sizeof buffer_, value).ptr - buffer_);
  }
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;

  std::string_view key() const { return key_; }
  std::string_view value() const { return numeric_ ? std::string_view(buffer_, digits_) : text_; }
  bool numeric() const { return numeric_; }

 private:
  std::string_view key_, text_;
  bool numeric_ = false;
  uint8_t digits_ = 0;
  char buffer_[24] = {};
};

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
