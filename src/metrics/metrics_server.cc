#include "metrics/metrics_server.h"

namespace nri_seccomp::metrics {

MetricsServer::MetricsServer(const ListenAddress& address, const PluginMetrics& metrics,
                             HttpServerOptions options) {
  std::map<std::string, HttpHandler> routes;
  routes["/metrics"] = [&metrics] {
    HttpResponse r;
    r.content_type = kPrometheusContentType;
    r.body = metrics.render();
    return r;
  };
  routes["/healthz"] = [] {
    HttpResponse r;
    r.body = "ok\n";
    return r;
  };
  routes["/readyz"] = [&metrics] {
    auto readiness = metrics.readiness();
    HttpResponse r;
    r.status = readiness.ready ? 200 : 503;
    r.body = readiness.reason + "\n";
    return r;
  };
  http_ = std::make_unique<HttpServer>(address, std::move(routes), options);
}

}  // namespace nri_seccomp::metrics
