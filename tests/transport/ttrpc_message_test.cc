// The ttrpc message codec inside one logical byte stream.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "transport/ttrpc_message.h"

namespace nri_seccomp::transport {
namespace {

std::string message(uint32_t stream, uint8_t type, std::string_view body, uint8_t flags = 0) {
  MessageHeader h;
  h.length = static_cast<uint32_t>(body.size());
  h.stream_id = stream;
  h.type = static_cast<MessageType>(type);
  h.flags = flags;
  auto bytes = encode_header(h);
  std::string out(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  out.append(body);
  return out;
}

struct Seen {
  uint32_t stream;
  MessageType type;
  uint8_t flags;
  std::string body;
};

MessageDecoder::Sink collect(std::vector<Seen>& seen) {
  return [&seen](const MessageHeader& h, std::string_view body) {
    seen.push_back({h.stream_id, h.type, h.flags, std::string(body)});
  };
}

TEST(TtrpcMessage, HeaderLayoutIsBigEndian) {
  std::string wire = message(0x01020304, 2, "xy", 0x05);
  ASSERT_EQ(wire.size(), 12u);
  EXPECT_EQ(wire.substr(0, 10), std::string("\x00\x00\x00\x02\x01\x02\x03\x04\x02\x05", 10));
}

TEST(TtrpcMessage, SplitBodiesAndSeveralMessagesPerChunk) {
  std::string body(10000, 'q');
  std::string wire = message(1, 1, "first") + message(3, 1, body) + message(5, 2, "") + message(7, 3, "d");
  std::vector<Seen> seen;
  MessageDecoder decoder;
  auto sink = collect(seen);
  // Odd-sized chunks cut through headers and bodies.
  for (size_t pos = 0; pos < wire.size(); pos += 777) decoder.feed(std::string_view(wire).substr(pos, 777), sink);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].body, "first");
  EXPECT_EQ(seen[1].stream, 3u);
  EXPECT_EQ(seen[1].body, body);
  EXPECT_EQ(seen[2].type, MessageType::response);
  EXPECT_EQ(seen[2].body, "");
  EXPECT_EQ(seen[3].type, MessageType::data);
  EXPECT_TRUE(decoder.at_boundary());

  std::vector<Seen> whole;
  MessageDecoder one_shot;
  one_shot.feed(wire, collect(whole));
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole[1].body, body);
}

TEST(TtrpcMessage, UnknownTypesAreProtocolErrors) {
  for (uint8_t type : {0, 4, 7, 255}) {
    MessageDecoder decoder;
    std::vector<Seen> seen;
    try {
      decoder.feed(message(1, type, "x"), collect(seen));
      FAIL() << "type " << int(type) << " accepted";
    } catch (const ProtocolError& e) {
      EXPECT_NE(std::string(e.what()).find("unknown type " + std::to_string(type)), std::string::npos) << e.what();
    }
    EXPECT_TRUE(seen.empty());
  }
}

TEST(TtrpcMessage, OversizeBodyIsRejectedBeforeBuffering) {
  std::string header("\x00\x40\x00\x01\x00\x00\x00\x01\x01\x00", 10);  // 4 MiB + 1
  MessageDecoder decoder;
  std::vector<Seen> seen;
  EXPECT_THROW(decoder.feed(header, collect(seen)), ProtocolError);

  std::string limit("\x00\x40\x00\x00\x00\x00\x00\x01\x01\x00", 10);  // exactly 4 MiB: fine
  MessageDecoder ok;
  EXPECT_NO_THROW(ok.feed(limit, collect(seen)));
  EXPECT_FALSE(ok.at_boundary());
}

}  // namespace
}  // namespace nri_seccomp::transport
