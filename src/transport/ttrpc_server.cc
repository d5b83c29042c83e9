#include "transport/ttrpc_server.h"

#include <algorithm>
#include <exception>

#include "common/log.h"
#include "common/printable.h"
#include "google/rpc/status.pb.h"
#include "transport/protobuf_wire.h"

namespace nri_seccomp::transport {

void TtrpcServer::add_method(std::string_view service, std::string_view method,
                             MethodHandler handler) {
  methods_[std::string(service) + "/" + std::string(method)] = std::move(handler);
}

void TtrpcServer::attach(Mux& mux, uint32_t conn_id) {
  mux_ = &mux;
  conn_id_ = conn_id;
  mux.attach(conn_id, this);
}

void TtrpcServer::on_bytes(std::string_view bytes) {
  decoder_.feed(bytes, [this](const MessageHeader& header, std::string_view body) {
    if (header.type != MessageType::request) {
      fail<ProtocolError>("ttrpc server got a {} message (type {}) on stream {}; only requests are served",
                          header.type == MessageType::response ? "response" : "stream data",
                          static_cast<int>(header.type), header.stream_id);
    }
    if (header.stream_id % 2 != 1) {
      fail<ProtocolError>("ttrpc request on even stream id {}; client streams must be odd",
                          header.stream_id);
    }
    handle_request(header, body);
  });
}

void TtrpcServer::handle_request(const MessageHeader& header, std::string_view body) {
  const auto picked_up = Clock::now();
  if (!request_.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    fail<ProtocolError>("ttrpc request on stream {} is not a valid ttrpc.Request ({} bytes)",
                        header.stream_id, body.size());
  }
  CallContext context;
  context.stream_id = header.stream_id;
  if (request_.timeout_nano() != 0) {
    // Clamp what the peer sends: a huge value would overflow the time point
    // (undefined behaviour); a negative one is already expired.
    constexpr int64_t kMaxTimeoutNanos = int64_t{24} * 3600 * 1000 * 1000 * 1000;
    const int64_t nanos = std::clamp<int64_t>(request_.timeout_nano(), -1, kMaxTimeoutNanos);
    context.deadline = picked_up + std::chrono::nanoseconds(nanos);
  }

  key_.assign(request_.service());
  key_.push_back('/');
  key_.append(request_.method());
  auto it = methods_.find(key_);
  if (it == methods_.end()) {
    send_response(header.stream_id, static_cast<int32_t>(StatusCode::unimplemented),
                  fmt::format("{}/{} is not implemented", request_.service(), request_.method()), {});
    return;
  }
  if (context.deadline && Clock::now() >= *context.deadline) {
    send_response(header.stream_id, static_cast<int32_t>(StatusCode::deadline_exceeded),
                  fmt::format("{}/{}: deadline already passed when the request was picked up",
                              request_.service(), request_.method()),
                  {});
    return;
  }

  response_payload_.clear();
  int32_t code = 0;
  std::string message;
  try {
    it->second(request_.payload(), context, response_payload_);
  } catch (const RpcError& e) {
    code = e.code();
    message = e.what();
  } catch (const Error& e) {
    code = static_cast<int32_t>(StatusCode::unknown);
    message = e.what();
  } catch (const std::exception& e) {
    code = static_cast<int32_t>(StatusCode::internal);
    message = fmt::format("internal error in {}/{}: {}", request_.service(), request_.method(), e.what());
  }
  if (code != 0) response_payload_.clear();
  send_response(header.stream_id, code, message, response_payload_);
}

void TtrpcServer::send_response(uint32_t stream_id, int32_t code, std::string_view message,
                                std::string_view payload) {
  // ttrpc.Response{1: status, 2: payload}, written by hand so the payload is
  // sent straight from the handler's buffer without another copy.
  envelope_.clear();
  if (code == 0 && message.empty()) {
    append_length_delimited_header(envelope_, 1, 0);
  } else {
    google::rpc::Status status;
    status.set_code(code);
    // Every error text ends here: make sure the runtime can decode it (a
    // protobuf string must be valid UTF-8, or the whole reply is dropped).
    status.set_message(printable(message));
    std::string status_bytes = status.SerializeAsString();
    append_length_delimited_header(envelope_, 1, status_bytes.size());
    envelope_.append(status_bytes);
  }
  if (!payload.empty()) append_length_delimited_header(envelope_, 2, payload.size());

  MessageHeader header;
  header.length = static_cast<uint32_t>(envelope_.size() + payload.size());
  header.stream_id = stream_id;
  header.type = MessageType::response;
  if (header.length > kMaxTtrpcBody) {
    // Too big for the peer to accept: say so instead of sending it.
    send_response(stream_id, static_cast<int32_t>(StatusCode::resource_exhausted),
                  fmt::format("response of {} bytes exceeds the ttrpc limit of {}", header.length,
                              kMaxTtrpcBody),
                  {});
    return;
  }
  auto header_bytes = encode_header(header);
  mux_->write(conn_id_, {std::string_view(reinterpret_cast<const char*>(header_bytes.data()),
                                          header_bytes.size()),
                         envelope_, payload});
}

}  // namespace nri_seccomp::transport
