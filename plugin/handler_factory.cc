// The one place the daemon gets its Handler from. For now: log what the
// runtime asked for and adjust nothing (the policy layer replaces this body).
#include <memory>

#include "common/log.h"
#include "run_options.h"

namespace nri_seccomp {
namespace {

const char* profile_type_name(const nri::api::CreateContainerRequest& request) {
  const auto& container_linux = request.container().linux();
  if (!container_linux.has_seccomp_profile()) return "unknown";
  switch (container_linux.seccomp_profile().profile_type()) {
    case nri::api::SecurityProfile::RUNTIME_DEFAULT: return "runtime-default";
    case nri::api::SecurityProfile::UNCONFINED: return "unconfined";
    case nri::api::SecurityProfile::LOCALHOST: return "localhost";
    default: return "other";
  }
}

class LoggingHandler : public nri::Handler {
 public:
  void create_container(const nri::api::CreateContainerRequest& request,
                        nri::api::CreateContainerResponse& response) override {
    log::info("create_container", {{"namespace", request.pod().namespace_()},
                                   {"pod", request.pod().name()},
                                   {"container", request.container().name()},
                                   {"profile_type", profile_type_name(request)}});
  }
};

}  // namespace

std::unique_ptr<nri::Handler> make_handler(const RunOptions& options) {
  return std::make_unique<LoggingHandler>();
}

}  // namespace nri_seccomp
