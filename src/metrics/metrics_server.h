// The HTTP endpoint of a running plugin: GET /metrics (Prometheus text),
// /healthz (200 while the process serves) and /readyz (200 once registered
// with the runtime and the profile store is loaded, 503 with the reason
// otherwise). See plugin_metrics.h for how the daemon wires it up.
#pragma once

#include <memory>

#include "metrics/http_server.h"
#include "metrics/listen_address.h"
#include "metrics/plugin_metrics.h"

namespace nri_seccomp::metrics {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class MetricsServer {
 public:
  // Binds before returning (throws Error naming the address on failure).
  // `metrics` must outlive the server.
  MetricsServer(const ListenAddress& address, const PluginMetrics& metrics, HttpServerOptions options = {});

  uint16_t port() const { return http_->port(); }
  std::string address() const { return http_->address(); }
  void stop() { http_->stop(); }

 private:
  std::unique_ptr<HttpServer> http_;
};

}  // namespace nri_seccomp::metrics
