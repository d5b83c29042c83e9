// ttrpc messages inside one logical connection's byte stream:
// [u32 BE body length][u32 BE stream id][u8 type][u8 flags][body].
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace nri_seccomp::transport {

inline constexpr size_t kTtrpcHeaderSize = 10;
inline constexpr uint32_t kMaxTtrpcBody = 4u << 20;

enum class MessageType : uint8_t { request = 1, response = 2, data = 3 };

struct MessageHeader {
  uint32_t length = 0;
  uint32_t stream_id = 0;
  MessageType type = MessageType::request;
  uint8_t flags = 0;
};

std::array<unsigned char, kTtrpcHeaderSize> encode_header(const MessageHeader& header);

// Incremental decoder for one byte stream. Bodies that arrive whole inside
// one fed chunk are handed out without copying; split bodies are assembled in
// a reused buffer.
class MessageDecoder {
 public:
  using Sink = std::function<void(const MessageHeader&, std::string_view body)>;

  // Throws ProtocolError on an oversize body or an unknown message type.
  void feed(std::string_view bytes, const Sink& sink);

  bool at_boundary() const { return header_have_ == 0 && !in_body_; }

 private:
  std::array<unsigned char, kTtrpcHeaderSize> header_bytes_{};
  size_t header_have_ = 0;
  bool in_body_ = false;
  MessageHeader header_;
  std::string body_;
};

}  // namespace nri_seccomp::transport
