#include "nri/plugin_service.h"

#include "common/log.h"
#include "transport/rpc_error.h"

namespace nri_seccomp::nri {
namespace {

template <typename Message>
void parse(Message& message, std::string_view payload, std::string_view what) {
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    throw transport::RpcError(transport::StatusCode::invalid_argument,
                              fmt::format("nri-seccomp: {} payload is not a valid protobuf message ({} bytes)",
                                          what, payload.size()));
  }
}

}  // namespace

PluginService::PluginService(Handler& handler, Callbacks callbacks, std::string plugin)
    : handler_(handler), callbacks_(std::move(callbacks)), arena_block_(new char[kArenaBlockSize]) {
  runtime_.plugin = std::move(plugin);
  google::protobuf::ArenaOptions options;
  options.initial_block = arena_block_.get();
  options.initial_block_size = kArenaBlockSize;
  arena_ = std::make_unique<google::protobuf::Arena>(options);
}

void PluginService::register_methods(transport::TtrpcServer& server) {
  using transport::CallContext;
  server.add_method(kPluginService, "Configure",
                    [this](std::string_view in, const CallContext&, std::string& out) { configure(in, out); });
  server.add_method(kPluginService, "Synchronize",
                    [this](std::string_view in, const CallContext&, std::string& out) { synchronize(in, out); });
  server.add_method(kPluginService, "Shutdown",
                    [this](std::string_view, const CallContext&, std::string& out) { shutdown(out); });
  server.add_method(kPluginService, "CreateContainer",
                    [this](std::string_view in, const CallContext&, std::string& out) {
                      create_container(in, out);
                    });
  server.add_method(kPluginService, "ValidateContainerAdjustment",
                    [this](std::string_view in, const CallContext&, std::string& out) {
                      validate_container(in, out);
                    });
}

void PluginService::configure(std::string_view payload, std::string& out) {
  api::ConfigureRequest request;
  parse(request, payload, "ConfigureRequest");
  runtime_.name = request.runtime_name();
  runtime_.version = request.runtime_version();
  runtime_.nri_version = request.nri_version();
  runtime_.registration_timeout_ms = request.registration_timeout();
  runtime_.request_timeout_ms = request.request_timeout();
  log::info("configured", {{"runtime", runtime_.name},
                           {"version", runtime_.version},
                           {"nri_version", runtime_.nri_version},
                           {"registration_timeout_ms", runtime_.registration_timeout_ms},
                           {"request_timeout_ms", runtime_.request_timeout_ms},
                           {"config_bytes", request.config().size()}});
  try {
    handler_.configure(runtime_, request.config());
  } catch (const Error& e) {
    log::error("configure_refused", {{"reason", e.what()}});
    throw;
  }
  const bool validates = handler_.validates_adjustments();
  log::info("subscribed", {{"create_container", "yes"}, {"validate_container_adjustment", validates ? "yes" : "no"}});
  api::ConfigureResponse response;
  response.set_events(kCreateContainerEvent | (validates ? kValidateAdjustmentEvent : 0));
  response.SerializeToString(&out);
  if (callbacks_.configured) callbacks_.configured(runtime_);
}

void PluginService::synchronize(std::string_view payload, std::string& out) {
  api::SynchronizeRequest request;
  parse(request, payload, "SynchronizeRequest");
  api::SynchronizeResponse response;
  if (request.more()) {
    // The runtime splits large states; answer each chunk with more=true and
    // no updates, and deliver everything once the last chunk arrives.
    sync_pending_.mutable_pods()->MergeFrom(request.pods());
    sync_pending_.mutable_containers()->MergeFrom(request.containers());
    sync_in_progress_ = true;
    // Each chunk is bounded by the message size, their number is not: cap
    // what we hold so a runaway peer cannot grow us without limit.
    constexpr int kMaxSyncObjects = 200000;
    if (sync_pending_.pods_size() + sync_pending_.containers_size() > kMaxSyncObjects) {
      sync_pending_.Clear();
      sync_in_progress_ = false;
      fail<ProtocolError>("Synchronize: more than {} pods and containers across chunks", kMaxSyncObjects);
    }
    response.set_more(true);
    response.SerializeToString(&out);
    return;
  }
  if (sync_in_progress_) {
    sync_pending_.mutable_pods()->MergeFrom(request.pods());
    sync_pending_.mutable_containers()->MergeFrom(request.containers());
    request.Swap(&sync_pending_);
    sync_pending_.Clear();
    sync_in_progress_ = false;
  }
  handler_.synchronize(request);
  log::info("synchronized", {{"pods", request.pods_size()},
                             {"containers", request.containers_size()}});
  response.set_more(false);
  response.SerializeToString(&out);
  if (callbacks_.synchronized) callbacks_.synchronized();
}

void PluginService::shutdown(std::string& out) {
  log::info("runtime_shutdown", {});
  api::Empty().SerializeToString(&out);
  if (callbacks_.shutdown) callbacks_.shutdown();
}

void PluginService::create_container(std::string_view payload, std::string& out) {
  arena_->Reset();
  auto* request = google::protobuf::Arena::CreateMessage<api::CreateContainerRequest>(arena_.get());
  auto* response = google::protobuf::Arena::CreateMessage<api::CreateContainerResponse>(arena_.get());
  parse(*request, payload, "CreateContainerRequest");
  handler_.create_container(*request, *response);
  response->SerializeToString(&out);
}

void PluginService::validate_container(std::string_view payload, std::string& out) {
  arena_->Reset();
  auto* request = google::protobuf::Arena::CreateMessage<api::ValidateContainerAdjustmentRequest>(arena_.get());
  parse(*request, payload, "ValidateContainerAdjustmentRequest");
  api::ValidateContainerAdjustmentResponse response;
  std::string reason = handler_.validate_container(*request);
  if (!reason.empty()) {
    response.set_reject(true);
    response.set_reason(std::move(reason));
  }
  response.SerializeToString(&out);
}

}  // namespace nri_seccomp::nri
