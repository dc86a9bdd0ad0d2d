#pragma once

// Which IPVS virtual services and addresses are kube-proxy's IPVS mode's, and how its VIPs move from
// kube-ipvs0 to kipvs0. Pure.
//
// kube-proxy binds every ClusterIP, external IP and load-balancer IP it serves to the dummy link
// kube-ipvs0 (pkg/proxy/ipvs/netlink_linux.go, syncService in pkg/proxy/ipvs/proxier.go), and puts
// one unbound NodePort virtual service on each node address, whose port it also adds to the ipset
// KUBE-NODE-PORT-TCP / -UDP (bitmap:port) or KUBE-NODE-PORT-SCTP-HASH (ip,sctp:port)
// (pkg/proxy/ipvs/ipset.go). So a virtual service is kube-proxy's when
//   - its address is on kube-ipvs0, or
//   - its address is a node address and its port is in the NodePort set of its protocol and family.
// Anything else (someone's keepalived, an ipvsadm line, a firewall-mark service) is not, and kipvs
// never touches it.

#include <set>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "core/ipset_save.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::core::kubeproxy {

inline constexpr std::string_view kDummyLinkName = "kube-ipvs0";

struct ServiceEvidence {
  std::set<IpAddress> kubeIpvs0;      // addresses on kube-ipvs0
  std::set<IpAddress> nodeAddresses;  // the node's other local addresses
  const IpsetDump* sets = nullptr;    // null: no ipset listing (NodePorts are then not recognised)
};

bool isKubeProxyService(const VirtualServiceKey& key, const ServiceEvidence& evidence);

// The kube-proxy virtual services among `kernel`.
std::set<VirtualServiceKey> kubeProxyServices(const std::vector<VirtualServiceKey>& kernel,
                                              const ServiceEvidence& evidence);

// Moving VIPs: an address leaves kube-ipvs0 only once it is on kipvs0 or no longer wanted at all, so a
// VIP of a live Service is always on one of them. kube-ipvs0 is deleted once nothing is left on it.
struct VipMove {
  std::vector<IpAddress> remove;   // from kube-ipvs0
  std::vector<IpAddress> waiting;  // wanted, not yet on kipvs0 (its add failed): stays on kube-ipvs0
  bool deleteLink = false;

  bool operator==(const VipMove&) const = default;
};

VipMove planVipMove(const std::set<IpAddress>& kubeIpvs0, const std::set<IpAddress>& kipvs0,
                    const std::set<IpAddress>& wanted);

}  // namespace kipvs::core::kubeproxy
