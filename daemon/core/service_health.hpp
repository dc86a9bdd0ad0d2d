#pragma once

// The answers of the Service health-check ports (pkg/proxy/healthcheck/service_health.go): every
// LoadBalancer Service with externalTrafficPolicy Local has a healthCheckNodePort that the external
// load balancer probes on each node; 200 tells it to send traffic here (this node has a local ready
// endpoint and the proxy is healthy), 503 to leave the node out.

#include <cstdint>
#include <map>
#include <string_view>

#include "core/cluster.hpp"
#include "core/proxy_health.hpp"

namespace kipvs::core {

// For each Service in `services`: how many distinct ready endpoints (first address and port, over
// all its EndpointSlices and ports) are on node `nodeName`. Terminating endpoints are not ready.
// Like kube-proxy's EndpointsMap.LocalReadyEndpoints (pkg/proxy/endpointschangetracker.go); Services
// without one are absent.
std::map<ObjectKey, std::uint32_t> localReadyEndpoints(const ClusterSnapshot& snapshot,
                                                       std::string_view nodeName,
                                                       const std::map<ObjectKey, std::uint16_t>& services);

// 200 when localEndpoints > 0 and the proxy is healthy, else 503; the body
// {"service":{"namespace":…,"name":…},"localEndpoints":N,"serviceProxyHealthy":…} laid out as
// kube-proxy lays it out, and X-Load-Balancing-Endpoint-Weight: N.
HealthAnswer serviceHealthAnswer(const ObjectKey& service, std::uint32_t localEndpoints, bool proxyHealthy);

}  // namespace kipvs::core
