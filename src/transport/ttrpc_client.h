// Calls ttrpc methods on one logical connection of a Mux. Thread-safe:
// several threads may have calls in flight; each waits for its own response.
// Never call from the Mux reader thread (i.e. from a request handler): the
// response could only be delivered by that same thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "transport/mux.h"
#include "transport/rpc_error.h"
#include "transport/ttrpc_message.h"

namespace nri_seccomp::transport {

class TtrpcClient : public StreamReceiver {
 public:
  void attach(Mux& mux, uint32_t conn_id);

  // Returns the response payload. Throws RpcError: the peer's non-OK status,
  // DEADLINE_EXCEEDED after `timeout` (zero: wait without limit, the deadline
  // is also sent to the peer as timeout_nano), UNAVAILABLE when the
  // connection is or becomes closed.
  std::string call(std::string_view service, std::string_view method, std::string_view payload,
                   std::chrono::nanoseconds timeout);

  void on_bytes(std::string_view bytes) override;
  void on_close(const std::string& reason) override;

 private:
  struct Pending {
    bool done = false;
    int32_t code = 0;
    std::string message;
    std::string payload;
  };

  Mux* mux_ = nullptr;
  uint32_t conn_id_ = 0;
  MessageDecoder decoder_;  // reader thread only

  std::mutex mutex_;
  std::condition_variable cv_;
  uint32_t next_stream_id_ = 1;
  std::map<uint32_t, std::shared_ptr<Pending>> pending_;
  bool closed_ = false;
  std::string close_reason_;
};

}  // namespace nri_seccomp::transport
