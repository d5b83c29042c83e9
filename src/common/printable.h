// Text that came from a file, an annotation or the socket, made safe for
// places that need valid UTF-8 without control bytes: protobuf strings the
// runtime parses (a refusal message with invalid UTF-8 makes containerd drop
// the whole reply, and the user sees a decode error instead of our reason),
// kubelet events and log lines. Valid UTF-8 passes unchanged; each invalid
// byte, C0 control byte and DEL becomes "\xNN". Nothing is ever cut off, NUL
// included.
#pragma once

#include <string>
#include <string_view>

namespace nri_seccomp {

std::string printable(std::string_view text);

// True when `printable(text) == text` (the common case, checked without copying).
bool is_printable(std::string_view text);

}  // namespace nri_seccomp
