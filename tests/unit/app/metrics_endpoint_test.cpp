#include "app/metrics_endpoint.hpp"

#include <gtest/gtest.h>

namespace kipvs::app {
namespace {

http::HttpRequest get(const std::string& path) {
  http::HttpRequest request;
  request.method = "GET";
  request.target = path;
  request.path = path;
  return request;
}

std::string header(const http::HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

TEST(MetricsEndpoint, ServesTheRegistryAsPrometheusText) {
  metrics::Registry registry;
  registry.add("build", [](metrics::TextWriter& writer) { metrics::writeBuildInfo(writer, "9.9"); });
  const auto router = metricsRouter(registry);
  const auto response = router(get("/metrics"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(response.body.find("kipvs_build_info{version=\"9.9\"} 1\n"), std::string::npos);
}

TEST(MetricsEndpoint, AnswersHealthzAndProxyModeAsKubeProxysMetricsServer) {
  metrics::Registry registry;
  const auto router = metricsRouter(registry);
  EXPECT_EQ(router(get("/healthz")).body, "ok\n");
  EXPECT_EQ(router(get("/proxyMode")).body, "ipvs\n");
  EXPECT_EQ(router(get("/other")).status, 404);
}

}  // namespace
}  // namespace kipvs::app
