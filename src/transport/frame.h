// The NRI connection multiplexer's framing: every chunk on the socket is
// [u32 BE connection id][u32 BE payload length][payload]. Payloads of one id
// concatenate into that logical connection's byte stream.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace nri_seccomp::transport {

inline constexpr size_t kFrameHeaderSize = 8;
// NRI's limit: one ttrpc header plus the largest ttrpc body (4 MiB).
inline constexpr uint32_t kMaxFramePayload = 10 + (4u << 20);
// What we write per frame. The Go side (ttrpc over NRI's mux) reads through a
// 4096-byte bufio.Reader and its mux refuses (ENOMEM) to hand a frame to a read
// buffer smaller than the frame; frames of at most 4096 bytes are always safe.
inline constexpr uint32_t kDefaultWriteFrameSize = 4096;

inline constexpr uint32_t kPluginServiceConn = 1;   // runtime calls the plugin
inline constexpr uint32_t kRuntimeServiceConn = 2;  // plugin calls the runtime

// Incremental decoder: feed it whatever read() returned. It hands out payload
// bytes per connection as they arrive (a frame's payload may be delivered in
// several pieces; logical connections are byte streams anyway), so nothing is
// buffered but a partial 8-byte header.
class FrameDecoder {
 public:
  using Sink = std::function<void(uint32_t conn_id, std::string_view bytes)>;

  explicit FrameDecoder(uint32_t max_payload = kMaxFramePayload) : max_payload_(max_payload) {}

  // Throws ProtocolError on connection id 0 or an oversize length. The decoder
  // is unusable after an error (the connection must be dropped).
  void feed(std::string_view bytes, const Sink& sink);

  // True when the decoder stopped between frames (no partial header/payload).
  bool at_boundary() const { return header_have_ == 0 && payload_left_ == 0; }

 private:
  uint32_t max_payload_;
  std::array<unsigned char, kFrameHeaderSize> header_{};
  size_t header_have_ = 0;
  uint32_t conn_id_ = 0;
  uint32_t payload_left_ = 0;
};

// Builds the iovec list for sending `parts` (concatenated) on `conn_id`,
// split into frames of at most `max_frame` payload bytes. Headers live in the
// encoder, so it must outlive the writev. Reusable: call encode() again.
class FrameEncoder {
 public:
  void encode(uint32_t conn_id, std::initializer_list<std::string_view> parts,
              uint32_t max_frame = kDefaultWriteFrameSize);
  const std::vector<iovec>& iov() const { return iov_; }
  size_t total_bytes() const { return total_; }

 private:
  std::vector<std::array<unsigned char, kFrameHeaderSize>> headers_;
  std::vector<iovec> iov_;
  size_t total_ = 0;
};

void put_be32(unsigned char* p, uint32_t v);
uint32_t get_be32(const unsigned char* p);

}  // namespace nri_seccomp::transport
