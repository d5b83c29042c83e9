#include "seccomp/read_node.h"

namespace nri_seccomp::seccomp::detail {

std::string Node::where() const {
  std::string out = fmt::format("profile {}: {}", doc_->source, path_.empty() ? "(top level)" : path_);
  if (doc_->yaml) {
    // The nearest recorded ancestor's line: a missing field has no line of
    // its own, its parent object does.
    std::string probe = path_;
    for (;;) {
      auto it = doc_->lines.find(probe);
      if (it != doc_->lines.end()) {
        out += fmt::format(" (line {})", it->second);
        break;
      }
      if (probe.empty()) break;
      auto cut = probe.find_last_of(".[");
      probe = cut == std::string::npos ? "" : probe.substr(0, cut);
    }
  }
  return out;
}

std::string_view Node::type_name() const {
  if (value_->is_number()) return "number";
  return value_->type_name();
}

void Node::expect_object() const {
  if (!value_->is_object()) error("expected an object, got {}", type_name());
}

void Node::allow_only(std::initializer_list<std::string_view> keys) const {
  expect_object();
  for (const auto& [key, value] : value_->items()) {
    bool known = false;
    for (std::string_view k : keys) known = known || k == key;
    if (known) continue;
    std::string accepted;
    for (std::string_view k : keys) {
      if (!accepted.empty()) accepted += ", ";
      accepted += k;
    }
    Node field(*doc_, value, child_path(path_, key));
    if (!doc_->strict) {
      if (doc_->warnings) doc_->warnings->push_back(fmt::format("{}: unknown field ignored", field.where()));
      continue;
    }
    field.error("unknown field (accepted here: {})", accepted);
  }
}

bool Node::has(std::string_view key) const {
  return value_->is_object() && value_->contains(key) && !(*value_)[std::string(key)].is_null();
}

std::optional<Node> Node::get(std::string_view key) const {
  expect_object();
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return Node(*doc_, *it, child_path(path_, key));
}

Node Node::require(std::string_view key) const {
  auto node = get(key);
  if (!node) Node(*doc_, *value_, child_path(path_, key)).error("required field is missing");
  return *node;
}

std::vector<Node> Node::items() const {
  if (!value_->is_array()) error("expected an array, got {}", type_name());
  std::vector<Node> out;
  out.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i) out.emplace_back(*doc_, (*value_)[i], index_path(path_, i));
  return out;
}

std::string Node::as_string() const {
  if (!value_->is_string()) error("expected a string, got {}", type_name());
  return value_->get<std::string>();
}

uint64_t Node::as_uint(uint64_t max) const {
  if (value_->is_number_unsigned()) {
    uint64_t v = value_->get<uint64_t>();
    if (v > max) error("{} is out of range (0..{})", v, max);
    return v;
  }
  if (value_->is_number_integer()) error("{} is negative; expected 0..{}", value_->get<int64_t>(), max);
  if (value_->is_number_float()) error("{} is not an integer; expected 0..{}", value_->dump(), max);
  error("expected an unsigned integer, got {}", type_name());
}

bool Node::as_bool() const {
  if (!value_->is_boolean()) error("expected true or false, got {}", type_name());
  return value_->get<bool>();
}

std::vector<std::string> Node::as_string_list() const {
  std::vector<std::string> out;
  for (const Node& item : items()) out.push_back(item.as_string());
  return out;
}

}  // namespace nri_seccomp::seccomp::detail
