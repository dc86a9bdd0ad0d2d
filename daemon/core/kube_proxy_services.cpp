#include "core/kube_proxy_services.hpp"

#include <string>

namespace kipvs::core::kubeproxy {
namespace {

bool inSet(const IpsetDump& sets, const std::string& name, const std::string& member) {
  const auto set = sets.find(name);
  return set != sets.end() && set->second.members.contains(member);
}

// The NodePort sets of kube-proxy's proxier for this family ("KUBE-6-..." for IPv6), ETP Local or not.
bool inNodePortSet(const VirtualServiceKey& key, const IpsetDump& sets) {
  const std::string prefix = key.family == IpFamily::V6 ? "KUBE-6-" : "KUBE-";
  const auto port = std::to_string(key.port);
  switch (key.protocol) {
    case Protocol::Tcp:
      return inSet(sets, prefix + "NODE-PORT-TCP", port) || inSet(sets, prefix + "NODE-PORT-LOCAL-TCP", port);
    case Protocol::Udp:
      return inSet(sets, prefix + "NODE-PORT-UDP", port) || inSet(sets, prefix + "NODE-PORT-LOCAL-UDP", port);
    case Protocol::Sctp: {
      const auto member = key.address.toString() + ",sctp:" + port;
      // "KUBE-6-NODE-PORT-LOCAL-SCTP-HASH" is cut to 31 characters.
      return inSet(sets, prefix + "NODE-PORT-SCTP-HASH", member) ||
             inSet(sets, (prefix + "NODE-PORT-LOCAL-SCTP-HASH").substr(0, 31), member);
    }
  }
  return false;
}

}  // namespace

bool isKubeProxyService(const VirtualServiceKey& key, const ServiceEvidence& evidence) {
  if (key.fwmark != 0) {
    return false;  // kube-proxy makes no firewall-mark services
  }
  if (evidence.kubeIpvs0.contains(key.address)) {
    return true;
  }
  return evidence.sets != nullptr && evidence.nodeAddresses.contains(key.address) &&
         inNodePortSet(key, *evidence.sets);
}

std::set<VirtualServiceKey> kubeProxyServices(const std::vector<VirtualServiceKey>& kernel,
                                              const ServiceEvidence& evidence) {
  std::set<VirtualServiceKey> result;
  for (const auto& key : kernel) {
    if (isKubeProxyService(key, evidence)) {
      result.insert(key);
    }
  }
  return result;
}

VipMove planVipMove(const std::set<IpAddress>& kubeIpvs0, const std::set<IpAddress>& kipvs0,
                    const std::set<IpAddress>& wanted) {
  VipMove move;
  for (const auto& address : kubeIpvs0) {
    if (kipvs0.contains(address) || !wanted.contains(address)) {
      move.remove.push_back(address);
    } else {
      move.waiting.push_back(address);
    }
  }
  move.deleteLink = move.waiting.empty();
  return move;
}

}  // namespace kipvs::core::kubeproxy
