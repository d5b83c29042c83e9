#include "policy/nri_handler.h"

#include "common/log.h"

namespace nri_seccomp::policy {
namespace {

class PolicyHandler final : public nri::Handler {
 public:
  explicit PolicyHandler(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}
  ~PolicyHandler() override { engine_->stop_watching(); }

  void configure(const nri::RuntimeInfo& runtime, std::string_view config) override {
    engine_->set_request_timeout(std::chrono::milliseconds(runtime.request_timeout_ms));
    if (!runtime.plugin.empty()) engine_->set_plugin_name(runtime.plugin);
    engine_->configure(runtime.name, runtime.version, config);
  }

  bool validates_adjustments() const override { return engine_->runtime_validates(); }

  std::string validate_container(const nri::api::ValidateContainerAdjustmentRequest& request) override {
    return engine_->validate(request);
  }

  // Every registration (start, reconnect, runtime restart) brings a snapshot:
  // find what was created while we were away.
  void synchronize(const nri::api::SynchronizeRequest& snapshot) override { engine_->audit(snapshot); }

  void create_container(const nri::api::CreateContainerRequest& request,
                        nri::api::CreateContainerResponse& response) override {
    engine_->create_container(request, response);
  }

  void on_registered() override { engine_->start_watching(); }

 private:
  std::shared_ptr<Engine> engine_;
};

}  // namespace

std::unique_ptr<nri::Handler> make_nri_handler(std::shared_ptr<Engine> engine) {
  return std::make_unique<PolicyHandler>(std::move(engine));
}

}  // namespace nri_seccomp::policy
