#pragma once

// What this node should have programmed, with the Kubernetes origin of every entry: the core computes
// it, the reconciler applies its IPVS part, the bus publishes it.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::core {

enum class ServiceKind : std::uint8_t { ClusterIP, NodePort, LoadBalancer, ExternalIP, Static };

std::string_view toString(ServiceKind kind);

// Where a virtual service comes from.
struct ServiceOrigin {
  std::string ns;
  std::string name;
  std::string portName;
  ServiceKind kind = ServiceKind::ClusterIP;

  ObjectKey key() const { return {ns, name}; }
  auto operator<=>(const ServiceOrigin&) const = default;
};

// The endpoint behind a real server, and why it is in the set.
struct EndpointOrigin {
  std::string pod;
  std::string node;
  bool ready = true;
  bool serving = true;
  bool terminating = false;
  bool local = false;  // on this node

  bool operator==(const EndpointOrigin&) const = default;
};

struct DesiredRealServer {
  RealServer server;
  EndpointOrigin endpoint;
  bool drained = false;  // operator drain: weight forced to 0

  bool operator==(const DesiredRealServer&) const = default;
};

struct DesiredVirtualService {
  VirtualService service;
  ServiceOrigin origin;
  bool bindAddress = true;  // address goes on kipvs0 (false for NodePorts and VIPs that are node addresses)
  std::vector<DesiredRealServer> reals;  // sorted by (address, port)
  std::string problem;  // non-empty when the Service asked for something kipvs could not honour
  // For the firewall:
  bool localOnly = false;            // a traffic policy Local chose the reals (external kinds: keep source)
  std::vector<Cidr> sourceRanges{};  // loadBalancerSourceRanges of this family (LoadBalancer kind only)

  bool operator==(const DesiredVirtualService&) const = default;
};

// One Service's contribution: the unit of incremental recomputation.
struct ServiceDesired {
  ObjectKey key;
  std::vector<DesiredVirtualService> services;
  std::vector<std::string> problems;      // everything kipvs could not honour, one sentence each
  std::string skipped;                    // why the Service yields nothing (headless, ExternalName…)
  std::uint16_t healthCheckNodePort = 0;  // to serve: only for LoadBalancer + externalTrafficPolicy Local

  bool operator==(const ServiceDesired&) const = default;
};

struct DesiredState {
  std::map<VirtualServiceKey, DesiredVirtualService> services;
  std::set<IpAddress> boundAddresses;                      // addresses kipvs0 must carry
  std::map<ObjectKey, std::vector<std::string>> problems;  // per Service, including key conflicts
  std::map<ObjectKey, std::uint16_t> healthCheckNodePorts;

  bool operator==(const DesiredState&) const = default;
};

}  // namespace kipvs::core
