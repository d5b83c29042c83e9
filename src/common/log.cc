#include "common/log.h"

#include <atomic>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/error.h"
#include "common/printable.h"

namespace nri_seccomp::log {
namespace {

std::atomic<Format> current_format{Format::text};

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

// Text values: control bytes and invalid UTF-8 from pods and files become
// \xNN (printable()), so one event is always one line.
void append_text_value(std::string& out, std::string_view raw) {
  const std::string v = printable(raw);
  if (!needs_quotes(v)) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view v) {
  out.append(nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Format format() { return current_format.load(std::memory_order_relaxed); }

void setup(std::string_view level, std::string_view fmt_name) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    fail("unknown log level '{}' (expected trace, debug, info, warn, error, critical or off)", level);
  }
  Format f;
  if (fmt_name == "text") {
    f = Format::text;
  } else if (fmt_name == "json") {
    f = Format::json;
  } else {
    fail("unknown log format '{}' (expected text or json)", fmt_name);
  }
  current_format.store(f);
  spdlog::drop("nri-seccomp");
  auto logger = spdlog::stderr_logger_mt("nri-seccomp");
  if (f == Format::json) {
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

std::string render(std::string_view event, std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(64 + fields.size() * 24);
  if (format() == Format::json) {
    // The logger pattern opens the object with ts and level and closes it;
    // we add the members in between.
    out.append("\"event\":");
    append_json_string(out, event);
    for (const auto& field : fields) {
      out.push_back(',');
      append_json_string(out, field.key());
      out.push_back(':');
      if (field.numeric()) {
        out.append(field.value());
      } else {
        append_json_string(out, field.value());
      }
    }
    return out;
  }
  out.append(event);
  for (const auto& field : fields) {
    out.push_back(' ');
    out.append(field.key());
    out.push_back('=');
    append_text_value(out, field.value());
  }
  return out;
}

}  // namespace nri_seccomp::log
