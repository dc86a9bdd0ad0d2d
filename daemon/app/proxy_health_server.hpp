#pragma once

// /healthz and /livez (pkg/proxy/healthcheck/proxy_health.go) over core::ProxyHealth: the daemon's
// events say when changes are queued and applied, the handlers answer with kube-proxy's status and
// JSON and count each answer by code (kubeproxy_proxy_healthz_total, kubeproxy_proxy_livez_total).

#include <chrono>
#include <functional>
#include <optional>

#include "core/proxy_health.hpp"
#include "http/router.hpp"

namespace kipvs::app {

// Now, on the steady and the wall clock.
core::HealthMoment healthMomentNow();

http::HttpResponse toHttpResponse(const core::HealthAnswer& answer);

class ProxyHealthServer {
 public:
  using Now = std::function<core::HealthMoment()>;

  explicit ProxyHealthServer(std::chrono::milliseconds timeout, Now now = healthMomentNow)
      : health_(timeout), now_(std::move(now)) {}

  void queued() { health_.queued(now_()); }
  void updated() { health_.updated(now_()); }
  void sourceLost() { health_.sourceLost(now_()); }
  void sourceBack() { health_.sourceBack(); }
  void syncNode(const std::optional<core::Node>& node) { health_.syncNode(node); }
  void setTimeout(std::chrono::milliseconds timeout) { health_.setTimeout(timeout); }

  bool healthy() const { return health_.healthy(now_().steady); }
  const core::ProxyHealth& state() const { return health_; }
  const core::HealthCounters& counters() const { return counters_; }

  // GET /healthz and /livez (any method, as kube-proxy's handlers answer any).
  http::Router router();

 private:
  core::ProxyHealth health_;
  Now now_;
  core::HealthCounters counters_;
};

}  // namespace kipvs::app
