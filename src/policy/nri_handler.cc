#include "policy/nri_handler.h"

#include "common/log.h"

namespace nri_seccomp::policy {
namespace {

class PolicyHandler final : public nri::Handler {
 public:
  explicit PolicyHandler(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}
  ~PolicyHandler() override { engine_->stop_watching(); }

  void configure(const nri::RuntimeInfo& runtime, std::string_view config) override {
    engine_->configure(runtime.name, runtime.version, config);
  }

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
