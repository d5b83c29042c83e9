#include "transport/ttrpc_client.h"

#include "google/rpc/status.pb.h"
#include "ttrpc.pb.h"

namespace nri_seccomp::transport {

void TtrpcClient::attach(Mux& mux, uint32_t conn_id) {
  mux_ = &mux;
  conn_id_ = conn_id;
  mux.attach(conn_id, this);
}

std::string TtrpcClient::call(std::string_view service, std::string_view method,
                              std::string_view payload, std::chrono::nanoseconds timeout) {
  if (mux_ == nullptr) fail("ttrpc client used before attach()");
  if (mux_->on_reader_thread()) {
    fail("ttrpc call {}/{} from the connection's reader thread would deadlock", service, method);
  }
  ttrpc::Request request;
  request.set_service(std::string(service));
  request.set_method(std::string(method));
  request.set_payload(std::string(payload));
  request.set_timeout_nano(timeout.count());
  std::string body = request.SerializeAsString();
  if (body.size() > kMaxTtrpcBody) {
    throw RpcError(StatusCode::resource_exhausted,
                   fmt::format("{}/{}: request of {} bytes exceeds the ttrpc limit of {}", service,
                               method, body.size(), kMaxTtrpcBody));
  }

  auto pending = std::make_shared<Pending>();
  uint32_t stream_id;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      throw RpcError(StatusCode::unavailable,
                     fmt::format("{}/{}: connection closed ({})", service, method, close_reason_));
    }
    stream_id = next_stream_id_;
    next_stream_id_ += 2;
    pending_[stream_id] = pending;
  }

  MessageHeader header;
  header.length = static_cast<uint32_t>(body.size());
  header.stream_id = stream_id;
  header.type = MessageType::request;
  auto header_bytes = encode_header(header);
  try {
    mux_->write(conn_id_, {std::string_view(reinterpret_cast<const char*>(header_bytes.data()),
                                            header_bytes.size()),
                           body});
  } catch (const Error& e) {
    std::lock_guard lock(mutex_);
    pending_.erase(stream_id);
    throw RpcError(StatusCode::unavailable, fmt::format("{}/{}: {}", service, method, e.what()));
  }

  std::unique_lock lock(mutex_);
  auto is_done = [&] { return pending->done; };
  if (timeout.count() > 0) {
    if (!cv_.wait_for(lock, timeout, is_done)) {
      pending_.erase(stream_id);
      throw RpcError(StatusCode::deadline_exceeded,
                     fmt::format("{}/{}: no response within {} ms", service, method,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
    }
  } else {
    cv_.wait(lock, is_done);
  }
  pending_.erase(stream_id);
  if (pending->code != 0) throw RpcError(pending->code, pending->message);
  return std::move(pending->payload);
}

void TtrpcClient::on_bytes(std::string_view bytes) {
  decoder_.feed(bytes, [this](const MessageHeader& header, std::string_view body) {
    if (header.type != MessageType::response) {
      fail<ProtocolError>("ttrpc client got a {} message (type {}) on stream {}; expected responses only",
                          header.type == MessageType::request ? "request" : "stream data",
                          static_cast<int>(header.type), header.stream_id);
    }
    ttrpc::Response response;
    if (!response.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      fail<ProtocolError>("ttrpc response on stream {} is not a valid ttrpc.Response ({} bytes)",
                          header.stream_id, body.size());
    }
    std::lock_guard lock(mutex_);
    auto it = pending_.find(header.stream_id);
    if (it == pending_.end()) return;  // the caller gave up (timed out) already
    Pending& pending = *it->second;
    pending.code = response.status().code();
    pending.message = response.status().message();
    pending.payload = std::move(*response.mutable_payload());
    pending.done = true;
    cv_.notify_all();
  });
}

void TtrpcClient::on_close(const std::string& reason) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  close_reason_ = reason;
  for (auto& [id, pending] : pending_) {
    if (pending->done) continue;
    pending->code = static_cast<int32_t>(StatusCode::unavailable);
    pending->message = fmt::format("connection closed before the response arrived ({})", reason);
    pending->done = true;
  }
  cv_.notify_all();
}

}  // namespace nri_seccomp::transport
