// JSON goes through nlohmann's SAX interface (its parser is iterative) with a
// handler that builds the tree itself, so it can refuse duplicate keys and
// excessive nesting while parsing. YAML goes through yaml-cpp, whose parser is
// recursive: a cheap pre-scan bounds the nesting before yaml-cpp sees the
// text, and the conversion to JSON bounds depth, node count (aliases can
// multiply nodes) and duplicate keys.
#include "seccomp/read_document.h"

#include <charconv>
#include <vector>

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
void prescan_yaml(std::string_view text, const std::string& source) {
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
      fail<ProfileError>("profile {}: YAML line {} is nested too deeply (indentation over {})",
                         source, line, kMaxColumn);
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
          fail<ProfileError>("profile {}: YAML line {}: nesting deeper than {} levels", source,
                             line, kMaxNesting);
        }
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    pos = end + 1;
    ++line;
  }
}

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
  // Floats (1.5, 1e3, .inf) stay numbers so type errors say "number".
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && s.find_first_of("0123456789") != std::string::npos) return d;
  return s;
}

class YamlConverter {
 public:
  YamlConverter(Document& doc) : doc_(doc) {}

  json convert(const YAML::Node& node, const std::string& path, int depth) {
    if (++nodes_ > kMaxNodes) {
      fail<ProfileError>("profile {}: YAML document has more than {} nodes (aliases?)",
                         doc_.source, kMaxNodes);
    }
    if (depth > kMaxNesting) {
      fail<ProfileError>("profile {}: {}: nesting deeper than {} levels", doc_.source,
                         shown(path), kMaxNesting);
    }
    if (node.Type() != YAML::NodeType::Null && node.Mark().line >= 0) {
      doc_.lines.emplace(path, node.Mark().line + 1);
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar:
        return node.Tag() == "?" ? plain_scalar(node.Scalar()) : json(node.Scalar());
      case YAML::NodeType::Sequence: {
        json out = json::array();
        size_t i = 0;
        for (const auto& item : node) out.push_back(convert(item, index_path(path, i++), depth + 1));
        return out;
      }
      case YAML::NodeType::Map: {
        json out = json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            fail<ProfileError>("profile {}: {} (line {}): mapping keys must be plain strings",
                               doc_.source, shown(path), entry.first.Mark().line + 1);
          }
          const std::string& key = entry.first.Scalar();
          std::string child = child_path(path, key);
          if (out.contains(key)) {
            fail<ProfileError>("profile {}: {} (line {}): duplicate key \"{}\"", doc_.source,
                               shown(path), entry.first.Mark().line + 1, key);
          }
          // Record the key's line: a null value's own mark is unreliable.
          doc_.lines[child] = entry.first.Mark().line + 1;
          out[key] = convert(entry.second, child, depth + 1);
          if (entry.second.IsNull()) doc_.lines[child] = entry.first.Mark().line + 1;
        }
        return out;
      }
    }
    return nullptr;
  }

 private:
  static constexpr size_t kMaxNodes = 1'000'000;
  Document& doc_;
  size_t nodes_ = 0;
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
  prescan_yaml(text, source);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) fail<ProfileError>("profile {}: malformed YAML: {}", source, e.msg);
    fail<ProfileError>("profile {}: malformed YAML at line {}, column {}: {}", source,
                       e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  if (documents.size() != 1) {
    fail<ProfileError>("profile {}: expected exactly one YAML document, found {}", source,
                       documents.size());
  }
  YamlConverter converter(doc);
  doc.root = converter.convert(documents.front(), "", 0);
  return doc;
}

}  // namespace nri_seccomp::seccomp::detail
