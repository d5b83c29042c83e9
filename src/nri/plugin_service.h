// The plugin side of the NRI Plugin service (served on mux connection 1):
// decodes requests, keeps what Configure told us, merges split Synchronize
// chunks and hands CreateContainer to the Handler. One instance per
// connection; all calls arrive on the connection's reader thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/arena.h>

#include "nri/handler.h"
#include "transport/ttrpc_server.h"

namespace nri_seccomp::nri {

inline constexpr const char* kPluginService = "nri.pkg.api.v1alpha1.Plugin";
inline constexpr const char* kRuntimeService = "nri.pkg.api.v1alpha1.Runtime";
// The NRI API revision our messages follow, sent in RegisterPlugin (the
// runtime logs it; an empty one shows as "NRI version unknown").
inline constexpr const char* kNriProtocolVersion = "v0.12.0";
// Event e is bit 1 << (e - 1) of ConfigureResponse.events.
inline constexpr int32_t kCreateContainerEvent = 1 << (4 - 1);
inline constexpr int32_t kValidateAdjustmentEvent = 1 << (14 - 1);

class PluginService {
 public:
  struct Callbacks {
    std::function<void(const RuntimeInfo&)> configured;
    std::function<void()> synchronized;
    std::function<void()> shutdown;
  };

  // `plugin` is how the runtime names us: "<idx>-<name>".
  PluginService(Handler& handler, Callbacks callbacks, std::string plugin);

  // Adds Configure, Synchronize, Shutdown, CreateContainer and
  // ValidateContainerAdjustment; every other Plugin method is left to the
  // server's UNIMPLEMENTED answer (we subscribe to nothing else, so the
  // runtime does not send them).
  void register_methods(transport::TtrpcServer& server);

 private:
  void configure(std::string_view payload, std::string& out);
  void synchronize(std::string_view payload, std::string& out);
  void shutdown(std::string& out);
  void create_container(std::string_view payload, std::string& out);
  void validate_container(std::string_view payload, std::string& out);

  Handler& handler_;
  Callbacks callbacks_;
  RuntimeInfo runtime_;
  api::SynchronizeRequest sync_pending_;  // chunks received while `more` was set
  bool sync_in_progress_ = false;
  // CreateContainer messages live on an arena that is reset per request and
  // starts in a preallocated block: parsing a ~10 KB request with hundreds
  // of strings then costs (almost) no malloc/free, which was the largest
  // share of the daemon's CPU time per request.
  static constexpr size_t kArenaBlockSize = 64 * 1024;
  std::unique_ptr<char[]> arena_block_;
  std::unique_ptr<google::protobuf::Arena> arena_;
};

}  // namespace nri_seccomp::nri
