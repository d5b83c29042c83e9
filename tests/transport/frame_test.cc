// The mux frame codec: partial headers, several frames per read, interleaved
// connections, limits, and the encoder's splitting.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/error.h"
#include "transport/frame.h"

namespace nri_seccomp::transport {
namespace {

std::string frame(uint32_t id, std::string_view payload) {
  std::string out(8, '\0');
  put_be32(reinterpret_cast<unsigned char*>(out.data()), id);
  put_be32(reinterpret_cast<unsigned char*>(out.data()) + 4, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string flatten(const FrameEncoder& encoder) {
  std::string out;
  for (const auto& v : encoder.iov()) out.append(static_cast<const char*>(v.iov_base), v.iov_len);
  return out;
}

struct Collected {
  std::map<uint32_t, std::string> streams;
  int calls = 0;
  FrameDecoder::Sink sink() {
    return [this](uint32_t id, std::string_view bytes) {
      streams[id].append(bytes);
      ++calls;
    };
  }
};

TEST(FrameDecoder, ByteByByteReassemblesPayload) {
  std::string wire = frame(1, "hello world");
  FrameDecoder decoder;
  Collected got;
  auto sink = got.sink();
  for (char c : wire) decoder.feed(std::string_view(&c, 1), sink);
  EXPECT_EQ(got.streams[1], "hello world");
  EXPECT_TRUE(decoder.at_boundary());
}

TEST(FrameDecoder, HeaderSplitAcrossReads) {
  std::string wire = frame(2, "abc") + frame(2, "def");
  FrameDecoder decoder;
  Collected got;
  auto sink = got.sink();
  decoder.feed(std::string_view(wire).substr(0, 5), sink);
  EXPECT_TRUE(got.streams.empty());
  EXPECT_FALSE(decoder.at_boundary());
  decoder.feed(std::string_view(wire).substr(5, 9), sink);
  decoder.feed(std::string_view(wire).substr(14), sink);
  EXPECT_EQ(got.streams[2], "abcdef");
  EXPECT_TRUE(decoder.at_boundary());
}

TEST(FrameDecoder, SeveralInterleavedFramesInOneRead) {
  std::string wire = frame(1, "a1") + frame(2, "b1") + frame(1, "a2") + frame(7, "x") + frame(2, "b2");
  FrameDecoder decoder;
  Collected got;
  decoder.feed(wire, got.sink());
  EXPECT_EQ(got.streams[1], "a1a2");
  EXPECT_EQ(got.streams[2], "b1b2");
  EXPECT_EQ(got.streams[7], "x");
}

TEST(FrameDecoder, EmptyFrameDeliversNothing) {
  FrameDecoder decoder;
  Collected got;
  decoder.feed(frame(1, ""), got.sink());
  EXPECT_EQ(got.calls, 0);
  EXPECT_TRUE(decoder.at_boundary());
}

TEST(FrameDecoder, RejectsReservedConnectionId) {
  FrameDecoder decoder;
  Collected got;
  try {
    decoder.feed(frame(0, "x"), got.sink());
    FAIL() << "id 0 accepted";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("reserved connection id 0"), std::string::npos) << e.what();
  }
}

TEST(FrameDecoder, RejectsOversizeLengthAndAcceptsTheLimit) {
  std::string header(8, '\0');
  auto* h = reinterpret_cast<unsigned char*>(header.data());
  put_be32(h, 1);
  put_be32(h + 4, kMaxFramePayload);
  FrameDecoder ok;
  Collected got;
  EXPECT_NO_THROW(ok.feed(header, got.sink()));

  put_be32(h + 4, kMaxFramePayload + 1);
  FrameDecoder decoder;
  EXPECT_THROW(decoder.feed(header, got.sink()), ProtocolError);
  put_be32(h + 4, 0xffffffffu);
  FrameDecoder decoder2;
  EXPECT_THROW(decoder2.feed(header, got.sink()), ProtocolError);
}

TEST(FrameEncoder, SplitsLongPayloadsIntoBoundedFrames) {
  std::string a(5000, 'a'), b(5000, 'b');
  FrameEncoder encoder;
  encoder.encode(2, {a, b}, 4096);
  std::string wire = flatten(encoder);
  EXPECT_EQ(wire.size(), encoder.total_bytes());
  EXPECT_EQ(wire.size(), 10000u + 3 * 8);  // 4096 + 4096 + 1808

  // Walk the frames: every one is for conn 2 and at most 4096 bytes.
  size_t pos = 0;
  int frames = 0;
  while (pos < wire.size()) {
    auto* h = reinterpret_cast<const unsigned char*>(wire.data() + pos);
    EXPECT_EQ(get_be32(h), 2u);
    uint32_t len = get_be32(h + 4);
    EXPECT_LE(len, 4096u);
    pos += 8 + len;
    ++frames;
  }
  EXPECT_EQ(pos, wire.size());
  EXPECT_EQ(frames, 3);

  FrameDecoder decoder;
  Collected got;
  decoder.feed(wire, got.sink());
  EXPECT_EQ(got.streams[2], a + b);
}

TEST(FrameEncoder, EmptyMessageIsOneEmptyFrame) {
  FrameEncoder encoder;
  encoder.encode(1, {std::string_view()});
  EXPECT_EQ(flatten(encoder), frame(1, ""));
}

TEST(FrameEncoder, ExactMultipleHasNoTrailingEmptyFrame) {
  std::string payload(8192, 'z');
  FrameEncoder encoder;
  encoder.encode(1, {payload}, 4096);
  EXPECT_EQ(encoder.total_bytes(), 8192u + 16);
}

}  // namespace
}  // namespace nri_seccomp::transport
