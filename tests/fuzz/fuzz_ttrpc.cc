// libFuzzer: arbitrary bytes as one logical connection's ttrpc stream, cut
// into input-chosen chunks. Every complete message is parsed the way the
// server and client do (ttrpc.Request / ttrpc.Response envelopes) and, for
// requests, its payload as the NRI message the method names. Only
// ProtocolError may escape the decoder; nothing may crash or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.h"
#include "nri.pb.h"
#include "transport/ttrpc_message.h"
#include "ttrpc.pb.h"

using namespace nri_seccomp;
using namespace nri_seccomp::transport;
namespace api = ::nri::pkg::api::v1alpha1;

namespace {

void parse_payload(const ttrpc::Request& request) {
  const std::string& p = request.payload();
  const std::string& m = request.method();
  if (m == "CreateContainer") {
    api::CreateContainerRequest r;
    if (r.ParseFromString(p)) (void)r.ByteSizeLong();
  } else if (m == "Configure") {
    api::ConfigureRequest r;
    (void)r.ParseFromString(p);
  } else if (m == "Synchronize") {
    api::SynchronizeRequest r;
    (void)r.ParseFromString(p);
  } else {
    api::RegisterPluginRequest r;
    (void)r.ParseFromString(p);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 128;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  MessageDecoder decoder;
  size_t messages = 0;
  auto sink = [&](const MessageHeader& header, std::string_view body) {
    if (body.size() != header.length || header.length > kMaxTtrpcBody) std::abort();
    ++messages;
    if (header.type == MessageType::request) {
      ttrpc::Request request;
      if (request.ParseFromArray(body.data(), static_cast<int>(body.size()))) parse_payload(request);
    } else if (header.type == MessageType::response) {
      ttrpc::Response response;
      (void)response.ParseFromArray(body.data(), static_cast<int>(body.size()));
    }
  };
  try {
    for (size_t pos = 0; pos < input.size(); pos += chunk) decoder.feed(input.substr(pos, chunk), sink);
  } catch (const ProtocolError&) {
  }
  if (messages * kTtrpcHeaderSize > input.size()) std::abort();
  return 0;
}
