// JSON goes through nlohmann's SAX interface (its parser is iterative) with a
// handler that builds the tree itself, so it can refuse duplicate keys and
// excessive nesting while parsing. YAML goes through yaml-cpp's event parser,
// which is recursive: a cheap pre-scan bounds the nesting before yaml-cpp sees
// the text, and our event handler builds the tree with an explicit stack,
// bounding depth, node count (aliases can multiply nodes) and duplicate keys.
#include "seccomp/read_document.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "seccomp/reader.h"

namespace nri_seccomp::seccomp::detail {

using nlohmann::json;

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out = parent;
  out += '.';
  out += key;
  return out;
}

std::string index_path(const std::string& parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

namespace {

std::string shown(const std::string& path) { return path.empty() ? "(top level)" : path; }

// ---------------------------------------------------------------- JSON

class JsonBuilder : public nlohmann::json_sax<json> {
 public:
  JsonBuilder(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  json take() { return std::move(root_); }

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t&) override { return put(json(nullptr)); }  // not produced by JSON text

  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& top = stack_.back();
    if (top.value->contains(k)) {
      fail<ProfileError>("profile {}: {}: duplicate key \"{}\"", source_, shown(top.path), k);
    }
    pending_key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // nlohmann's message starts with "[json.exception.parse_error.101] parse
    // error at line L, column C: "; keep only what follows, with our own location.
    std::string what = ex.what();
    auto colon = what.find(": ");
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    auto [line, column] = line_column(position);
    fail<ProfileError>("profile {}: malformed JSON at line {}, column {}: {}", source_, line,
                       column, reason);
  }

 private:
  struct Frame {
    json* value;
    std::string path;
  };

  // Where the next value goes and what its path is.
  std::pair<json*, std::string> slot() {
    if (stack_.empty()) return {&root_, ""};
    Frame& top = stack_.back();
    if (top.value->is_object()) {
      std::string path = child_path(top.path, pending_key_);
      json& place = (*top.value)[pending_key_];
      return {&place, std::move(path)};
    }
    std::string path = index_path(top.path, top.value->size());
    top.value->push_back(nullptr);
    return {&top.value->back(), std::move(path)};
  }

  bool put(json&& v) {
    *slot().first = std::move(v);
    return true;
  }

  bool open(json&& container) {
    auto [place, path] = slot();
    if (static_cast<int>(stack_.size()) >= kMaxNesting) {
      fail<ProfileError>("profile {}: {}: nesting deeper than {} levels", source_, shown(path),
                         kMaxNesting);
    }
    *place = std::move(container);
    stack_.push_back({place, std::move(path)});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  std::pair<size_t, size_t> line_column(size_t position) const {
    size_t line = 1, column = 1;
    size_t end = std::min(position, text_.size());
    for (size_t i = 0; i < end; ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column > 1 ? column - 1 : 1};
  }

  std::string_view text_;
  const std::string& source_;
  json root_;
  std::vector<Frame> stack_;
  std::string pending_key_;
};

// ---------------------------------------------------------------- YAML

// Bounds what yaml-cpp's recursive parser can be made to do: flow nesting
// ([ and {) and block nesting (each level needs at least one more column of
// indentation or one more leading "- "/"? " indicator).
}  // namespace

void check_yaml_nesting(std::string_view text, std::string_view what) {
  constexpr int kMaxColumn = 256;
  int flow_depth = 0;
  size_t line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(pos, end - pos);
    // Indentation plus compact nested indicators ("- - - x").
    size_t i = 0;
    int column = 0;
    for (;;) {
      while (i < row.size() && (row[i] == ' ' || row[i] == '\t')) ++i, ++column;
      if (i + 1 < row.size() && (row[i] == '-' || row[i] == '?') &&
          (row[i + 1] == ' ' || row[i + 1] == '\t')) {
        i += 2;
        column += 2;
        continue;
      }
      break;
    }
    if (column > kMaxColumn) {
      fail<ProfileError>("{}: YAML line {} is nested too deeply (indentation over {})", what, line, kMaxColumn);
    }
    // Flow brackets outside quotes and comments.
    char quote = 0;
    for (size_t j = i; j < row.size(); ++j) {
      char c = row[j];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      bool token_start = j == i || std::string_view(" \t[{,:").find(row[j - 1]) != std::string_view::npos;
      if ((c == '"' || c == '\'') && token_start) {
        quote = c;
      } else if (c == '#' && token_start) {
        break;
      } else if (c == '[' || c == '{') {
        if (++flow_depth > kMaxNesting) {
          fail<ProfileError>("{}: YAML line {}: nesting deeper than {} levels", what, line, kMaxNesting);
        }
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    pos = end + 1;
    ++line;
  }
}

namespace {

// YAML 1.2 core schema for plain (unquoted) scalars.
json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  if (!digits.empty()) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (end == digits.data() + digits.size()) {
      if (ec == std::errc()) {
        if (!negative) return value;
        if (value <= uint64_t(INT64_MAX) + 1) return value == 0 ? json(0) : json(int64_t(0 - value));
      }
      return std::strtod(s.c_str(), nullptr);  // out of range: a number no field accepts
    }
  }
  // Floats (1.5, 1e3) stay numbers so type errors say "number"; words with
  // no digits (nan, .inf) stay strings.
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && s.find_first_of("0123456789") != std::string::npos) return d;
  return s;
}

// Builds the JSON tree straight from yaml-cpp's parse events, with an explicit
// stack (no recursion of our own), a depth limit, duplicate-key detection, and
// a budget on nodes that counts alias expansions (so "billion laughs" input is
// refused instead of expanded).
class YamlBuilder : public YAML::EventHandler {
 public:
  explicit YamlBuilder(Document& doc) : doc_(doc) {}

  json take() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    place(json(nullptr), mark, anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail_at(mark, "unknown alias");
    place(json(it->second.first), mark, 0, it->second.second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags plain scalars "?", quoted ones "!".
    place(tag == "?" ? plain_scalar(value) : json(value), mark, anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(json::object(), mark, anchor);
  }
  void OnMapEnd() override {
    if (stack_.back().key) fail_at(stack_.back().mark, "mapping key without a value");
    close();
  }

 private:
  static constexpr size_t kMaxNodes = 1'000'000;

  struct Frame {
    json value;
    std::string path;
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    size_t nodes = 1;                  // this subtree's size, for alias budgets
    std::optional<std::string> key;    // maps: a key waiting for its value
  };

  [[noreturn]] void fail_at(const YAML::Mark& mark, std::string_view what) {
    fail<ProfileError>("profile {}: YAML line {}: {}", doc_.source, mark.line + 1, what);
  }

  void count(size_t nodes, const YAML::Mark& mark) {
    total_nodes_ += nodes;
    if (total_nodes_ > kMaxNodes) {
      fail<ProfileError>("profile {}: YAML document has more than {} nodes (aliases?)", doc_.source,
                         kMaxNodes);
    }
  }

  // Where the next node goes: its path, or nullopt if it is a mapping key.
  std::optional<std::string> next_path(const YAML::Mark& mark) {
    if (stack_.empty()) return std::string();
    Frame& top = stack_.back();
    if (top.value.is_array()) return index_path(top.path, top.value.size());
    if (!top.key) return std::nullopt;  // this node is a key
    return child_path(top.path, *top.key);
  }

  void place(json&& value, const YAML::Mark& mark, YAML::anchor_t anchor, size_t nodes) {
    count(nodes, mark);
    auto path = next_path(mark);
    if (!path) {  // a mapping key
      Frame& top = stack_.back();
      if (!value.is_string()) {
        if (value.is_null() || value.is_structured()) fail_at(mark, "mapping keys must be plain strings");
        value = value.dump();  // `1: x` - keep the key's spelling
      }
      std::string key = value.get<std::string>();
      if (top.value.contains(key)) {
        fail<ProfileError>("profile {}: {} (line {}): duplicate key \"{}\"", doc_.source, shown(top.path),
                           mark.line + 1, key);
      }
      doc_.lines[child_path(top.path, key)] = mark.line + 1;
      top.key = std::move(key);
      top.nodes += nodes;
      return;
    }
    if (mark.line >= 0 && !value.is_null()) doc_.lines.emplace(*path, mark.line + 1);
    if (anchor) anchors_[anchor] = {value, nodes};
    attach(std::move(value), nodes);
  }

  void attach(json&& value, size_t nodes) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& top = stack_.back();
    top.nodes += nodes;
    if (top.value.is_array()) {
      top.value.push_back(std::move(value));
    } else {
      top.value[*top.key] = std::move(value);
      top.key.reset();
    }
  }

  void open(json&& container, const YAML::Mark& mark, YAML::anchor_t anchor) {
    count(1, mark);
    auto path = next_path(mark);
    if (!path) fail_at(mark, "mapping keys must be plain strings");
    if (static_cast<int>(stack_.size()) >= kMaxNesting) {
      fail<ProfileError>("profile {}: {}: nesting deeper than {} levels", doc_.source, shown(*path),
                         kMaxNesting);
    }
    if (mark.line >= 0) doc_.lines.emplace(*path, mark.line + 1);
    Frame frame;
    frame.value = std::move(container);
    frame.path = std::move(*path);
    frame.mark = mark;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.anchor) anchors_[frame.anchor] = {frame.value, frame.nodes};
    attach(std::move(frame.value), frame.nodes);
  }

  Document& doc_;
  json root_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<json, size_t>> anchors_;
  size_t total_nodes_ = 0;
};

}  // namespace

Document parse_json(std::string_view text, const std::string& source) {
  Document doc;
  doc.source = source;
  JsonBuilder builder(text, source);
  // strict=true: trailing garbage after the value is an error.
  json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true);
  doc.root = builder.take();
  return doc;
}

Document parse_yaml(std::string_view text, const std::string& source) {
  Document doc;
  doc.source = source;
  doc.yaml = true;
  check_yaml_nesting(text, "profile " + source);
  std::istringstream in{std::string(text)};
  YamlBuilder builder(doc);
  // Not YAML::LoadAll: yaml-cpp 0.7 can return empty documents forever on
  // some input (a lone ","), so stop at the second document.
  int documents = 0;
  try {
    YAML::Parser parser(in);
    while (documents < 2 && parser.HandleNextDocument(builder)) ++documents;
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) fail<ProfileError>("profile {}: malformed YAML: {}", source, e.msg);
    fail<ProfileError>("profile {}: malformed YAML at line {}, column {}: {}", source,
                       e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  if (documents != 1) {
    fail<ProfileError>("profile {}: expected exactly one YAML document, found {}", source,
                       documents < 2 ? "none" : "more");
  }
  doc.root = builder.take();
  return doc;
}

}  // namespace nri_seccomp::seccomp::detail
