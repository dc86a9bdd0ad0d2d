#pragma once

// What the core needs to know about this node (besides the cluster snapshot) to compute its state.
// Filled by the application from config, the host adaptor (local addresses) and the Node object.

#include <set>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "core/ip_address.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::core {

// Operator drains (D-Bus Drain/Undrain): matching real servers stay programmed with weight 0, so no
// new connection reaches them while existing ones finish. They survive every sync.
struct Drains {
  std::set<IpAddress> endpoints;         // every real server with this address
  std::set<ObjectKey> services;          // every real server of these Services
  std::set<VirtualServiceKey> virtuals;  // every real server of these virtual services
  bool node = false;                     // every real server kipvs programs

  bool operator==(const Drains&) const = default;
};

struct NodeContext {
  std::string nodeName;
  std::string zone;  // topology.kubernetes.io/zone; computeDesired fills it from the Node when empty
  // Local addresses of the node (all interfaces but kipvs0); NodePort virtual services go on them.
  std::vector<IpAddress> nodeAddresses;
  // nodePortAddresses: when non-empty, NodePorts only on node addresses inside these prefixes
  // ("primary" is expressed by the caller as the /32 or /128 of the Node's InternalIPs).
  std::vector<Cidr> nodePortAddresses;
  std::string defaultScheduler = "rr";
  std::vector<Cidr> clusterCidrs;                           // for the firewall (masquerade decisions)
  std::set<IpFamily> families{IpFamily::V4, IpFamily::V6};  // families kipvs programs on this node
  Drains drains;

  bool operator==(const NodeContext&) const = default;
};

}  // namespace kipvs::core
