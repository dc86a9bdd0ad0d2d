#include "app/metrics_endpoint.hpp"

#include "core/log.hpp"

namespace kipvs::app {

http::Router metricsRouter(metrics::Registry& registry) {
  http::Router router;
  router.route("/metrics", [&registry](const http::HttpRequest&) {
    http::HttpResponse response;
    response.body = registry.scrape([](const std::string& collector, const std::string& error) {
      log::warning("metrics: " + collector + " not reported in this scrape: " + error,
                   {{"KIPVS_METRICS_COLLECTOR", collector}});
    });
    return response.with("Content-Type", metrics::kContentType);
  });
  router.route("/healthz", [](const http::HttpRequest&) { return http::textResponse(200, "ok"); });
  router.route("/proxyMode", [](const http::HttpRequest&) { return http::textResponse(200, "ipvs"); });
  return router;
}

}  // namespace kipvs::app
