#include "core/firewall_derive.hpp"

#include <algorithm>
#include <set>

namespace kipvs::core {
namespace {

template <typename T>
std::vector<T> sortedUnique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

FirewallSpec deriveFirewall(const DesiredState& desired, const NodeContext& node) {
  FirewallSpec spec;
  spec.clusterCidrs = sortedUnique(node.clusterCidrs);
  std::set<IpAddress> hairpin;
  for (const auto& [key, vs] : desired.services) {
    if (key.fwmark != 0) {
      continue;  // no address:port to match
    }
    const FirewallEntry entry{.address = key.address, .protocol = key.protocol, .port = key.port};
    switch (vs.origin.kind) {
      case ServiceKind::ClusterIP:
      case ServiceKind::Static:
        spec.clusterIps.push_back(entry);
        break;
      case ServiceKind::NodePort:
      case ServiceKind::ExternalIP:
      case ServiceKind::LoadBalancer:
        (vs.localOnly ? spec.externalLocal : spec.external).push_back(entry);
        break;
    }
    if (!vs.sourceRanges.empty()) {
      spec.sourceRanges.push_back({.entry = entry, .allowed = sortedUnique(vs.sourceRanges)});
    }
    for (const auto& real : vs.reals) {
      if (real.endpoint.local) {
        hairpin.insert(real.server.address);
      }
    }
  }
  spec.clusterIps = sortedUnique(std::move(spec.clusterIps));
  spec.external = sortedUnique(std::move(spec.external));
  spec.externalLocal = sortedUnique(std::move(spec.externalLocal));
  spec.guardedAddresses.assign(desired.boundAddresses.begin(), desired.boundAddresses.end());
  spec.hairpinEndpoints.assign(hairpin.begin(), hairpin.end());
  return spec;
}

}  // namespace kipvs::core
