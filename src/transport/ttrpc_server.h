// Serves ttrpc requests arriving on one logical connection of a Mux.
//
// Requests are handled inline on the Mux reader thread, one after another (the
// runtime sends NRI events one at a time anyway). This keeps the round trip
// free of thread hand-offs; the price is the Mux rule: a handler must never
// wait for anything that arrives over the same socket (for instance a ttrpc
// call to the runtime on the other logical connection).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "transport/mux.h"
#include "transport/rpc_error.h"
#include "transport/ttrpc_message.h"
#include "ttrpc.pb.h"

namespace nri_seccomp::transport {

using Clock = std::chrono::steady_clock;

struct CallContext {
  uint32_t stream_id = 0;
  std::optional<Clock::time_point> deadline;  // from timeout_nano; none if 0
};

// `request` is the serialized request message; write the serialized response
// message into `response` (a reused buffer, empty on entry). Throw RpcError
// for a specific status; any nri_seccomp::Error answers UNKNOWN with its
// message, any other exception INTERNAL.
using MethodHandler =
    std::function<void(std::string_view request, const CallContext& context, std::string& response)>;

class TtrpcServer : public StreamReceiver {
 public:
  // Register before attach(); not thread-safe against running requests.
  void add_method(std::string_view service, std::string_view method, MethodHandler handler);
  void attach(Mux& mux, uint32_t conn_id);

  void on_bytes(std::string_view bytes) override;
  void on_close(const std::string& reason) override {}

 private:
  void handle_request(const MessageHeader& header, std::string_view body);
  void send_response(uint32_t stream_id, int32_t code, std::string_view message,
                     std::string_view payload);

  Mux* mux_ = nullptr;
  uint32_t conn_id_ = 0;
  std::map<std::string, MethodHandler, std::less<>> methods_;  // key "service/method"
  MessageDecoder decoder_;
  ttrpc::Request request_;   // reused across requests
  std::string key_;          // reused
  std::string response_payload_;
  std::string envelope_;     // ttrpc.Response bytes before the payload
};

}  // namespace nri_seccomp::transport
