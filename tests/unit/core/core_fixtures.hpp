#pragma once

// Builders for readable test data: Services, EndpointSlices, node contexts, and a one-line-per-entry
// rendering of desired state so tables can state exact expectations.

#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "core/node_context.hpp"

namespace kipvs::core::testing {

inline IpAddress ip(std::string_view text) {
  const auto address = IpAddress::parse(text);
  if (!address) {
    throw std::invalid_argument("bad test address " + std::string(text));
  }
  return *address;
}

inline Cidr cidr(std::string_view text) {
  const auto value = Cidr::parse(text);
  if (!value) {
    throw std::invalid_argument("bad test prefix " + std::string(text));
  }
  return *value;
}

inline LoadBalancerIngress ingress(std::string_view address, bool proxyMode = false) {
  return {.ip = ip(address), .hostname = "", .proxyMode = proxyMode};
}

inline LoadBalancerIngress hostnameIngress(std::string hostname) {
  return {.ip = std::nullopt, .hostname = std::move(hostname), .proxyMode = false};
}

inline ServicePort port(std::uint16_t number, std::string name = "", Protocol protocol = Protocol::Tcp,
                        std::uint16_t nodePort = 0) {
  return {.name = std::move(name),
          .protocol = protocol,
          .port = number,
          .targetPort = number,
          .nodePort = nodePort};
}

inline Service service(std::string name, const std::vector<std::string>& clusterIPs,
                       std::vector<ServicePort> ports, ServiceType type = ServiceType::ClusterIP) {
  Service svc;
  svc.meta.ns = "default";
  svc.meta.name = std::move(name);
  svc.type = type;
  for (const auto& text : clusterIPs) {
    svc.clusterIPs.push_back(ip(text));
    svc.ipFamilies.push_back(svc.clusterIPs.back().family());
  }
  svc.ports = std::move(ports);
  return svc;
}

inline Service with(Service svc, const std::function<void(Service&)>& change) {
  change(svc);
  return svc;
}

inline Endpoint endpoint(std::string_view address, std::string node, std::string zone = "") {
  Endpoint ep;
  ep.addresses.push_back(ip(address));
  ep.podName = "pod-" + std::string(address);
  ep.nodeName = std::move(node);
  ep.zone = std::move(zone);
  return ep;
}

inline Endpoint notReady(Endpoint ep) {
  ep.conditions = {.ready = false, .serving = false, .terminating = false};
  return ep;
}

inline Endpoint terminating(Endpoint ep, bool serving = true) {
  ep.conditions = {.ready = false, .serving = serving, .terminating = true};
  return ep;
}

inline Endpoint zoneHints(Endpoint ep, std::vector<std::string> zones) {
  ep.hasZoneHints = true;
  ep.hintZones = std::move(zones);
  return ep;
}

inline Endpoint nodeHints(Endpoint ep, std::vector<std::string> nodes) {
  ep.hasNodeHints = true;
  ep.hintNodes = std::move(nodes);
  return ep;
}

inline EndpointPort slicePort(std::uint16_t number, std::string name = "",
                              Protocol protocol = Protocol::Tcp) {
  return {.name = std::move(name), .protocol = protocol, .port = number};
}

inline EndpointSlice slice(std::string serviceName, std::vector<Endpoint> endpoints,
                           std::vector<EndpointPort> ports, AddressType type = AddressType::IPv4) {
  EndpointSlice result;
  result.meta.ns = "default";
  result.meta.name = serviceName + "-" + std::to_string(endpoints.size());
  result.serviceName = std::move(serviceName);
  result.addressType = type;
  result.endpoints = std::move(endpoints);
  result.ports = std::move(ports);
  return result;
}

inline ClusterSnapshot snapshot(const std::vector<Service>& services,
                                const std::vector<EndpointSlice>& slices) {
  ClusterSnapshot snap;
  for (const auto& svc : services) {
    snap.services[svc.meta.key()] = svc;
  }
  for (const auto& s : slices) {
    snap.slicesByService[ObjectKey{s.meta.ns, s.serviceName}].push_back(s);
  }
  return snap;
}

// node-a in zone-a with one address of each kind NodePort selection must consider.
inline NodeContext nodeA() {
  NodeContext node;
  node.nodeName = "node-a";
  node.zone = "zone-a";
  node.nodeAddresses = {ip("192.168.1.10"), ip("127.0.0.1"), ip("fd00:1::10"), ip("fe80::10"), ip("::1")};
  return node;
}

inline std::string render(const DesiredVirtualService& vs) {
  std::ostringstream out;
  out << toString(vs.origin.kind) << ' ' << vs.service.key << ' ' << vs.service.scheduler;
  if (vs.service.flags != 0) {
    out << " flags=0x" << std::hex << vs.service.flags << std::dec;
  }
  if (vs.service.timeout != 0) {
    out << " timeout=" << vs.service.timeout;
  }
  if (!vs.bindAddress) {
    out << " unbound";
  }
  if (vs.localOnly) {
    out << " local";
  }
  for (const auto& range : vs.sourceRanges) {
    out << " range=" << range;
  }
  out << " ->";
  if (vs.reals.empty()) {
    out << " (none)";
  }
  for (const auto& real : vs.reals) {
    out << ' ';
    if (real.server.address.family() == IpFamily::V6) {
      out << '[' << real.server.address << "]:" << real.server.port;
    } else {
      out << real.server.address << ':' << real.server.port;
    }
    if (real.server.weight != 1) {
      out << "/w" << real.server.weight;
    }
  }
  return out.str();
}

// One line per virtual service (key order), then one line per problem.
inline std::vector<std::string> render(const DesiredState& state) {
  std::vector<std::string> lines;
  for (const auto& [key, vs] : state.services) {
    lines.push_back(render(vs));
  }
  for (const auto& [owner, problems] : state.problems) {
    for (const auto& problem : problems) {
      lines.push_back("problem " + owner.toString() + ": " + problem);
    }
  }
  return lines;
}

}  // namespace kipvs::core::testing
