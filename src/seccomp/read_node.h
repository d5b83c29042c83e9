// Typed, path-aware access to a Document for the format readers. Every check
// failure throws ProfileError "profile <source>: <path> (line N): <problem>",
// so the readers never build messages by hand and never touch raw json.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"
#include "seccomp/read_document.h"

namespace nri_seccomp::seccomp::detail {

class Node {
 public:
  Node(const Document& doc, const nlohmann::json& value, std::string path)
      : doc_(&doc), value_(&value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const nlohmann::json& raw() const { return *value_; }
  const Document& document() const { return *doc_; }
  bool is_null() const { return value_->is_null(); }
  bool is_object() const { return value_->is_object(); }
  bool is_string() const { return value_->is_string(); }

  // "profile <source>: <path> (line N)" - the prefix of every message.
  std::string where() const;

  template <typename... Args>
  [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) const {
    fail<ProfileError>("{}: {}", where(), fmt::format(format, std::forward<Args>(args)...));
  }

  // Objects. get() treats an explicit null like an absent field (Go encoders
  // write `"args": null`).
  void expect_object() const;
  void allow_only(std::initializer_list<std::string_view> keys) const;
  bool has(std::string_view key) const;
  std::optional<Node> get(std::string_view key) const;
  Node require(std::string_view key) const;

  // Arrays.
  std::vector<Node> items() const;

  // Scalars.
  std::string as_string() const;
  uint64_t as_uint(uint64_t max) const;  // unsigned integer in 0..max
  bool as_bool() const;
  std::vector<std::string> as_string_list() const;

  // JSON type name of the value, for messages ("string", "number", ...).
  std::string_view type_name() const;

 private:
  const Document* doc_;
  const nlohmann::json* value_;
  std::string path_;
};

inline Node root_node(const Document& doc) { return Node(doc, doc.root, ""); }

}  // namespace nri_seccomp::seccomp::detail
