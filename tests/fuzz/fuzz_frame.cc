// libFuzzer: arbitrary bytes through the mux frame decoder, cut into chunks
// chosen by the input itself (so partial headers/payloads are exercised).
// Checks: only ProtocolError escapes; the bytes delivered never exceed the
// input; and an encode -> decode round trip of the same bytes is lossless.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "transport/frame.h"

using namespace nri_seccomp;
using namespace nri_seccomp::transport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const uint32_t max_payload = data[1] & 1 ? kMaxFramePayload : 1 + data[1] * 64u;
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  FrameDecoder decoder(max_payload);
  size_t delivered = 0;
  auto sink = [&](uint32_t id, std::string_view bytes) {
    if (id == 0) std::abort();
    delivered += bytes.size();
  };
  try {
    for (size_t pos = 0; pos < input.size(); pos += chunk) decoder.feed(input.substr(pos, chunk), sink);
  } catch (const ProtocolError&) {
  }
  if (delivered > input.size()) std::abort();

  // Round trip: the input as payload of conn 1 and 2, split into small frames.
  FrameEncoder encoder;
  std::string half_a(input.substr(0, input.size() / 2)), half_b(input.substr(input.size() / 2));
  encoder.encode(1, {half_a, half_b}, 1 + data[1] % 97);
  std::string wire;
  for (const auto& v : encoder.iov()) wire.append(static_cast<const char*>(v.iov_base), v.iov_len);
  if (wire.size() != encoder.total_bytes()) std::abort();
  std::map<uint32_t, std::string> streams;
  FrameDecoder round_trip;
  for (size_t pos = 0; pos < wire.size(); pos += chunk) {
    round_trip.feed(std::string_view(wire).substr(pos, chunk),
                    [&](uint32_t id, std::string_view bytes) { streams[id].append(bytes); });
  }
  if (!round_trip.at_boundary() || streams[1] != std::string(input)) std::abort();
  return 0;
}
