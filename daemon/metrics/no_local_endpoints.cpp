#include "metrics/no_local_endpoints.hpp"

namespace kipvs::metrics {
namespace {

struct Usable {
  bool any = false;    // somewhere in the cluster
  bool local = false;  // on this node
};

// A usable endpoint is ready, or serving while terminating (the terminating fallback, KEP-1669).
Usable usableEndpoints(const std::vector<core::EndpointSlice>& slices, core::IpFamily family,
                       const std::string& nodeName, bool publishNotReady) {
  const auto type = family == core::IpFamily::V4 ? core::AddressType::IPv4 : core::AddressType::IPv6;
  Usable usable;
  for (const auto& slice : slices) {
    if (slice.addressType != type) {
      continue;
    }
    for (const auto& endpoint : slice.endpoints) {
      const auto& c = endpoint.conditions;
      if (publishNotReady || c.ready || (c.serving && c.terminating)) {
        usable.any = true;
        usable.local = usable.local || endpoint.nodeName == nodeName;
      }
    }
  }
  return usable;
}

bool externallyReachable(const core::Service& service) {
  return service.type == core::ServiceType::NodePort || service.type == core::ServiceType::LoadBalancer ||
         !service.externalIPs.empty();
}

}  // namespace

NoLocalEndpoints countNoLocalEndpoints(const core::ClusterSnapshot& snapshot, const std::string& nodeName) {
  NoLocalEndpoints counts;
  for (const auto scope : {PolicyScope::Internal, PolicyScope::External}) {
    for (const auto family : {core::IpFamily::V4, core::IpFamily::V6}) {
      counts[{scope, family}] = 0;
    }
  }
  static const std::vector<core::EndpointSlice> kNoSlices;
  for (const auto& [key, service] : snapshot.services) {
    const bool internalLocal = service.internalTrafficPolicy == core::TrafficPolicy::Local;
    const bool externalLocal =
        service.externalTrafficPolicy == core::TrafficPolicy::Local && externallyReachable(service);
    if ((!internalLocal && !externalLocal) || service.headless ||
        service.type == core::ServiceType::ExternalName) {
      continue;
    }
    const auto slices = snapshot.slicesByService.find(key);
    const auto& ofService = slices == snapshot.slicesByService.end() ? kNoSlices : slices->second;
    for (const auto& clusterIp : service.clusterIPs) {
      const auto usable =
          usableEndpoints(ofService, clusterIp.family(), nodeName, service.publishNotReadyAddresses);
      if (usable.any && !usable.local) {
        if (internalLocal) {
          ++counts[{PolicyScope::Internal, clusterIp.family()}];
        }
        if (externalLocal) {
          ++counts[{PolicyScope::External, clusterIp.family()}];
        }
      }
    }
  }
  return counts;
}

void writeNoLocalEndpoints(TextWriter& writer, const NoLocalEndpoints& counts) {
  constexpr const char* kName = "kubeproxy_sync_proxy_rules_no_local_endpoints_total";
  writer.family(kName, MetricType::Gauge, "Number of services with a Local traffic policy and no endpoints");
  for (const auto& [key, count] : counts) {
    writer.sample(kName,
                  {{"traffic_policy", key.first == PolicyScope::Internal ? "internal" : "external"},
                   {"ip_family", core::toString(key.second)}},
                  count);
  }
}

}  // namespace kipvs::metrics
