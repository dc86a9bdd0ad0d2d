#pragma once

// kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy,ip_family}: how many Services with
// a Local traffic policy have endpoints in the cluster but none usable on this node, so traffic to them
// is dropped here (pkg/proxy/metrics/metrics.go; counted in pkg/proxy/ipvs/proxier.go syncEndpoint, a
// gauge despite its name). "internal": internalTrafficPolicy Local; "external": externalTrafficPolicy
// Local on a Service reachable from outside (NodePort, LoadBalancer or external IPs).

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/cluster.hpp"
#include "metrics/exposition.hpp"

namespace kipvs::metrics {

enum class PolicyScope : std::uint8_t { Internal, External };

using NoLocalEndpoints = std::map<std::pair<PolicyScope, core::IpFamily>, std::uint64_t>;

// Every (scope, family) pair is present, zero or not, so the series never disappear.
NoLocalEndpoints countNoLocalEndpoints(const core::ClusterSnapshot& snapshot, const std::string& nodeName);

void writeNoLocalEndpoints(TextWriter& writer, const NoLocalEndpoints& counts);

}  // namespace kipvs::metrics
