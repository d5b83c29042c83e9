#include "transport/frame.h"

#include <algorithm>

#include "common/error.h"

namespace nri_seccomp::transport {

void put_be32(unsigned char* p, uint32_t v) {
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}

uint32_t get_be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void FrameDecoder::feed(std::string_view bytes, const Sink& sink) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0) {
    if (payload_left_ > 0) {
      size_t take = std::min<size_t>(n, payload_left_);
      payload_left_ -= static_cast<uint32_t>(take);
      sink(conn_id_, std::string_view(p, take));
      p += take;
      n -= take;
      continue;
    }
    size_t take = std::min(n, kFrameHeaderSize - header_have_);
    std::copy_n(reinterpret_cast<const unsigned char*>(p), take, header_.data() + header_have_);
    header_have_ += take;
    p += take;
    n -= take;
    if (header_have_ < kFrameHeaderSize) break;
    header_have_ = 0;
    uint32_t id = get_be32(header_.data());
    uint32_t length = get_be32(header_.data() + 4);
    if (id == 0) fail<ProtocolError>("mux frame with reserved connection id 0 (length {})", length);
    if (length > max_payload_) {
      fail<ProtocolError>("mux frame for connection {} announces {} bytes, over the limit of {}", id,
                          length, max_payload_);
    }
    conn_id_ = id;
    payload_left_ = length;
  }
}

void FrameEncoder::encode(uint32_t conn_id, std::initializer_list<std::string_view> parts,
                          uint32_t max_frame) {
  total_ = 0;
  for (auto part : parts) total_ += part.size();
  size_t frames = std::max<size_t>(1, (total_ + max_frame - 1) / max_frame);
  headers_.resize(frames);
  iov_.clear();
  iov_.reserve(frames + parts.size() + 2);

  auto part = parts.begin();
  size_t part_offset = 0;
  size_t remaining = total_;
  for (size_t f = 0; f < frames; ++f) {
    uint32_t frame_len = static_cast<uint32_t>(std::min<size_t>(remaining, max_frame));
    put_be32(headers_[f].data(), conn_id);
    put_be32(headers_[f].data() + 4, frame_len);
    iov_.push_back({headers_[f].data(), kFrameHeaderSize});
    size_t need = frame_len;
    while (need > 0) {
      size_t avail = part->size() - part_offset;
      if (avail == 0) {
        ++part;
        part_offset = 0;
        continue;
      }
      size_t take = std::min(avail, need);
      iov_.push_back({const_cast<char*>(part->data() + part_offset), take});
      part_offset += take;
      need -= take;
    }
    remaining -= frame_len;
  }
  total_ += frames * kFrameHeaderSize;
}

}  // namespace nri_seccomp::transport
