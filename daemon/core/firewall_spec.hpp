#pragma once

// What the node's firewall (nft table `inet kipvs`) must express, as a plain value: the core derives it
// from the desired state, host::NftFirewall renders and applies it. Order of entries does not matter.

#include <compare>
#include <cstdint>
#include <vector>

#include "core/ip_address.hpp"
#include "core/protocol.hpp"

namespace kipvs::core {

// One service address: a VIP (ClusterIP, external IP, LB ingress IP) or a node address for a NodePort.
struct FirewallEntry {
  IpAddress address;
  Protocol protocol = Protocol::Tcp;
  std::uint16_t port = 0;

  auto operator<=>(const FirewallEntry&) const = default;
};

// loadBalancerSourceRanges of one LB VIP:port: only these sources may reach it (the node itself always can).
struct SourceRangeRule {
  FirewallEntry entry;
  std::vector<Cidr> allowed;

  bool operator==(const SourceRangeRule&) const = default;
};

struct FirewallSpec {
  // Pod CIDRs of the cluster. ClusterIP traffic from outside them is masqueraded; with none known for a
  // family, all ClusterIP traffic of that family is (kube-proxy's behaviour without a local-traffic detector
  // configured is hairpin-only; kipvs picks the safe masqueradeAll instead).
  std::vector<Cidr> clusterCidrs;
  bool masqueradeAll = false;  // masquerade every ClusterIP connection, whatever its source

  std::vector<FirewallEntry> clusterIps;  // ClusterIP:port — masqueraded from outside clusterCidrs
  std::vector<FirewallEntry> external;  // externalIP / LB / NodePort with ETP Cluster — always masqueraded
  std::vector<FirewallEntry> externalLocal;  // the same with ETP Local — never masqueraded (client IP kept)

  // Addresses bound to kipvs0. New connections to them that match no entry above are rejected (the VIP guard:
  // a listener on 0.0.0.0 must not be reachable through a service address).
  std::vector<IpAddress> guardedAddresses;

  std::vector<SourceRangeRule> sourceRanges;

  // Endpoint addresses that may reach themselves through a service: such connections are masqueraded so the
  // reply comes back through IPVS (hairpin).
  std::vector<IpAddress> hairpinEndpoints;

  // Packet mark bit used to carry "masquerade this connection" from prerouting/output to postrouting
  // (kube-proxy's masqueradeBit 14).
  std::uint32_t masqueradeMark = 0x4000;

  bool operator==(const FirewallSpec&) const = default;
};

}  // namespace kipvs::core
