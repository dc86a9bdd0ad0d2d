#pragma once

// kube-proxy's metrics server on metrics-bind-address (cmd/kube-proxy/app/server.go serveMetrics):
// /metrics (the Prometheus text), /healthz (always "ok": the server is up) and /proxyMode ("ipvs"),
// served by kipvsd's one HTTP server on the loop. A scrape renders on the loop's thread like a sync;
// its cost at 10k Services is in the README (bench-metrics).

#include <memory>
#include <string>

#include "http/message.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace kipvs::app {

// The router of the metrics listener over `registry` (which must outlive it).
http::Router metricsRouter(metrics::Registry& registry);

}  // namespace kipvs::app
