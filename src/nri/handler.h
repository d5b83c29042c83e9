// What the NRI session asks of the policy layer. The session owns the
// connection, registration and protocol; the Handler owns every decision.
//
// All methods are called on the connection's reader thread, one at a time,
// while the runtime waits for the answer: keep them fast (no file I/O, no
// compiling) and never block on anything that arrives over the NRI socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nri.pb.h"

namespace nri_seccomp::nri {

namespace api = ::nri::pkg::api::v1alpha1;

struct RuntimeInfo {
  std::string name, version, nri_version;
  int64_t registration_timeout_ms = 0, request_timeout_ms = 0;
  // How the runtime names us in validation requests and field owners:
  // "<idx>-<name>" ("10-seccomp").
  std::string plugin;
};

class Handler {  // implemented by the policy layer; the session owns no policy
 public:
  virtual ~Handler() = default;
  // `config` is the plugin config text the runtime read from its conf.d (may
  // be empty). Throw Error to refuse Configure (the runtime drops the plugin).
  virtual void configure(const RuntimeInfo& runtime, std::string_view config) {}
  // Asked right after configure(): subscribe to ValidateContainerAdjustment
  // too? Only where the runtime's NRI knows that event (v0.10 and later): an
  // older NRI refuses the whole registration for an event bit it does not know.
  virtual bool validates_adjustments() const { return false; }
  // The runtime's pods and containers, all chunks of a split sync merged.
  virtual void synchronize(const api::SynchronizeRequest&) {}
  // Fill `response.adjust`. Throw Error (or transport::RpcError) to refuse
  // creation: the message reaches the user. Both messages live on an arena
  // reset per request: valid only during this call; copy what must outlive it.
  virtual void create_container(const api::CreateContainerRequest& request,
                                api::CreateContainerResponse& response) = 0;
  // The runtime's final adjustment of a container, after every plugin
  // answered CreateContainer and before the container is created. Return an
  // empty string to approve it, or the reason to reject it (the creation
  // fails with that reason). Same lifetime rules as create_container().
  virtual std::string validate_container(const api::ValidateContainerAdjustmentRequest& request) { return {}; }
  // Readiness: called after the runtime configured and synchronized the plugin.
  virtual void on_registered() {}
  virtual void on_disconnected() {}
};

}  // namespace nri_seccomp::nri
