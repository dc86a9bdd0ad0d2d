#include "app/proxy_health_server.hpp"

namespace kipvs::app {

core::HealthMoment healthMomentNow() {
  return {.steady = std::chrono::steady_clock::now(), .wall = std::chrono::system_clock::now()};
}

http::HttpResponse toHttpResponse(const core::HealthAnswer& answer) {
  return {.status = answer.status, .headers = answer.headers, .body = answer.body};
}

http::Router ProxyHealthServer::router() {
  http::Router router;
  router.route("/healthz", [this](const http::HttpRequest&) {
    const auto answer = core::healthzAnswer(health_, now_());
    ++counters_.healthz[answer.status];
    return toHttpResponse(answer);
  });
  router.route("/livez", [this](const http::HttpRequest&) {
    const auto answer = core::livezAnswer(health_, now_());
    ++counters_.livez[answer.status];
    return toHttpResponse(answer);
  });
  return router;
}

}  // namespace kipvs::app
