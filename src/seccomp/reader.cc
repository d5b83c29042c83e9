// Entry points: size limit, syntax choice, format detection, dispatch to the
// format readers, and file reading.
#include "seccomp/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "seccomp/read_document.h"
#include "seccomp/read_moby.h"
#include "seccomp/read_oci.h"
#include "seccomp/read_spo.h"

namespace nri_seccomp::seccomp {

std::string_view format_name(Format f) {
  switch (f) {
    case Format::auto_detect: return "auto";
    case Format::oci_json: return "oci-json";
    case Format::moby_json: return "moby-json";
    case Format::spo_yaml: return "spo-yaml";
  }
  return "unknown";
}

namespace detail {
namespace {

// JSON documents start with '{' or '[' (after whitespace or a UTF-8 BOM);
// anything else is read as YAML, which also covers SPO objects.
bool looks_like_json(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' || c == '[';
  }
  return false;
}

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

Document parse_for(std::string_view text, Format format, const std::string& source) {
  switch (format) {
    case Format::oci_json:
    case Format::moby_json:
      return parse_json(strip_bom(text), source);
    case Format::spo_yaml:
      return parse_yaml(text, source);
    case Format::auto_detect:
      break;
  }
  return looks_like_json(text) ? parse_json(strip_bom(text), source) : parse_yaml(text, source);
}

Format detect(const Document& doc) {
  Node root = root_node(doc);
  if (is_spo(root)) return Format::spo_yaml;
  if (looks_like_moby(root)) return Format::moby_json;
  return Format::oci_json;
}

void check_size(size_t size, const std::string& source) {
  if (size > kMaxProfileBytes) {
    fail<ProfileError>("profile {}: {} bytes exceeds the limit of {} bytes", source, size,
                       kMaxProfileBytes);
  }
}

}  // namespace

Policy read_profile_in_chain(std::string_view text, const ReadOptions& options,
                             std::vector<std::string>& chain) {
  const std::string& source = options.source_name.empty() ? std::string("(inline)") : options.source_name;
  check_size(text.size(), source);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    fail<ProfileError>("profile {}: the profile is empty", source);
  }
  Document doc = parse_for(text, options.format, source);
  doc.strict = options.strict;
  doc.warnings = options.warnings;
  Format format = options.format == Format::auto_detect ? detect(doc) : options.format;
  Node root = root_node(doc);
  root.expect_object();
  switch (format) {
    case Format::spo_yaml:
      return read_spo(root, options, chain);
    case Format::moby_json:
      return read_moby(root, options.context);
    case Format::oci_json:
    case Format::auto_detect:
      break;
  }
  return read_oci(root);
}

}  // namespace detail

Format detect_format(std::string_view text) {
  try {
    return detail::detect(detail::parse_for(text, Format::auto_detect, "(detect)"));
  } catch (const ProfileError&) {
    return detail::looks_like_json(text) ? Format::oci_json : Format::spo_yaml;
  }
}

Policy read_profile(std::string_view text, const ReadOptions& options) {
  std::vector<std::string> chain;
  return detail::read_profile_in_chain(text, options, chain);
}

Policy read_profile_file(const std::string& path, ReadOptions options) {
  if (options.source_name.empty()) options.source_name = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail<ProfileError>("profile {}: cannot open: {}", path, std::strerror(errno));
  std::string text;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > kMaxProfileBytes) {
      ::close(fd);
      detail::check_size(static_cast<size_t>(st.st_size), options.source_name);
    }
  } else if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail<ProfileError>("profile {}: is a directory", path);
  }
  // Read at most one byte past the limit: files whose size stat cannot tell
  // (pipes, procfs) are still bounded.
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      fail<ProfileError>("profile {}: cannot read: {}", path, std::strerror(err));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxProfileBytes) break;
  }
  ::close(fd);
  return read_profile(text, options);
}

}  // namespace nri_seccomp::seccomp
