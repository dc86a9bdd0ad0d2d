#pragma once

// What this node should have programmed, with the Kubernetes origin of every entry: the core computes
// it, the reconciler applies its IPVS part, the bus publishes it.

#include <map>
#include <set>
#include <string>
#include <vector>

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
  bool bindAddress = true;  // address goes on kipvs0 (false for NodePorts on node addresses)
  std::vector<DesiredRealServer> reals;
  std::string problem;  // non-empty when the Service asked for something kipvs could not honour

  bool operator==(const DesiredVirtualService&) const = default;
};

struct DesiredState {
  std::map<VirtualServiceKey, DesiredVirtualService> services;
  std::set<IpAddress> boundAddresses;  // addresses kipvs0 must carry

  bool operator==(const DesiredState&) const = default;
};

}  // namespace kipvs::core
