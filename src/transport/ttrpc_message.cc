#include "transport/ttrpc_message.h"

#include <algorithm>

#include "common/error.h"
#include "transport/frame.h"

namespace nri_seccomp::transport {
namespace {
constexpr size_t kKeepBodyCapacity = 256 * 1024;
}  // namespace

std::array<unsigned char, kTtrpcHeaderSize> encode_header(const MessageHeader& header) {
  std::array<unsigned char, kTtrpcHeaderSize> out{};
  put_be32(out.data(), header.length);
  put_be32(out.data() + 4, header.stream_id);
  out[8] = static_cast<unsigned char>(header.type);
  out[9] = header.flags;
  return out;
}

void MessageDecoder::feed(std::string_view bytes, const Sink& sink) {
  while (!bytes.empty()) {
    if (!in_body_) {
      size_t take = std::min(bytes.size(), kTtrpcHeaderSize - header_have_);
      std::copy_n(reinterpret_cast<const unsigned char*>(bytes.data()), take,
                  header_bytes_.data() + header_have_);
      header_have_ += take;
      bytes.remove_prefix(take);
      if (header_have_ < kTtrpcHeaderSize) return;
      header_have_ = 0;
      header_.length = get_be32(header_bytes_.data());
      header_.stream_id = get_be32(header_bytes_.data() + 4);
      uint8_t type = header_bytes_[8];
      header_.flags = header_bytes_[9];
      if (type < 1 || type > 3) {
        fail<ProtocolError>("ttrpc message with unknown type {} (stream {}, length {})", type,
                            header_.stream_id, header_.length);
      }
      header_.type = static_cast<MessageType>(type);
      if (header_.length > kMaxTtrpcBody) {
        fail<ProtocolError>("ttrpc message on stream {} announces {} bytes, over the limit of {}",
                            header_.stream_id, header_.length, kMaxTtrpcBody);
      }
      if (header_.length == 0) {
        sink(header_, {});
        continue;
      }
      in_body_ = true;
      body_.clear();
      // Fast path: the whole body is already here; no copy.
      if (bytes.size() >= header_.length) {
        in_body_ = false;
        std::string_view body = bytes.substr(0, header_.length);
        bytes.remove_prefix(header_.length);
        sink(header_, body);
      }
      continue;
    }
    size_t take = std::min(bytes.size(), header_.length - body_.size());
    body_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (body_.size() == header_.length) {
      in_body_ = false;
      sink(header_, body_);
      // Keep the buffer for the next split message, but not a huge one: a
      // single 4 MiB message must not pin 4 MiB for the daemon's lifetime.
      if (body_.capacity() > kKeepBodyCapacity) std::string().swap(body_);
    }
  }
}

}  // namespace nri_seccomp::transport
