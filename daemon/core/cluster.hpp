#pragma once

// The Kubernetes objects kipvs reads, as plain values. Decoders (k8s/, static source) fill them;
// the core computes desired IPVS state from them. Nothing here knows about JSON or HTTP.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/ip_address.hpp"
#include "core/protocol.hpp"

namespace kipvs::core {

using Labels = std::map<std::string, std::string>;

// namespace/name of a namespaced object; the key of Services in a snapshot.
struct ObjectKey {
  std::string ns;
  std::string name;

  std::string toString() const { return ns + "/" + name; }
  auto operator<=>(const ObjectKey&) const = default;
};

struct ObjectMeta {
  std::string ns;
  std::string name;
  std::string uid;
  std::string resourceVersion;
  Labels labels;
  Labels annotations;
  bool deleting = false;  // metadata.deletionTimestamp is set

  ObjectKey key() const { return {ns, name}; }
  bool operator==(const ObjectMeta&) const = default;
};

enum class ServiceType : std::uint8_t { ClusterIP, NodePort, LoadBalancer, ExternalName };
enum class TrafficPolicy : std::uint8_t { Cluster, Local };
enum class TrafficDistribution : std::uint8_t { None, PreferClose, PreferSameZone, PreferSameNode };

struct ServicePort {
  std::string name;
  Protocol protocol = Protocol::Tcp;
  std::uint16_t port = 0;
  std::variant<std::uint16_t, std::string> targetPort = std::uint16_t{0};  // number or container port name
  std::uint16_t nodePort = 0;                                              // 0 = none

  bool operator==(const ServicePort&) const = default;
};

struct LoadBalancerIngress {
  std::optional<IpAddress> ip;  // hostname-only ingress has none
  std::string hostname;
  bool proxyMode = false;  // ipMode: Proxy — the LB does not deliver to the VIP

  bool operator==(const LoadBalancerIngress&) const = default;
};

struct Service {
  ObjectMeta meta;
  ServiceType type = ServiceType::ClusterIP;
  bool headless = false;              // clusterIP "None"
  std::vector<IpAddress> clusterIPs;  // clusterIPs[] (or clusterIP), at most one per family
  std::vector<IpFamily> ipFamilies;
  std::vector<ServicePort> ports;
  std::vector<IpAddress> externalIPs;
  std::vector<LoadBalancerIngress> loadBalancerIngress;
  std::vector<Cidr> loadBalancerSourceRanges;
  bool clientIPAffinity = false;
  std::uint32_t affinityTimeoutSeconds = 10800;
  TrafficPolicy externalTrafficPolicy = TrafficPolicy::Cluster;
  TrafficPolicy internalTrafficPolicy = TrafficPolicy::Cluster;
  TrafficDistribution trafficDistribution = TrafficDistribution::None;
  std::uint16_t healthCheckNodePort = 0;
  bool publishNotReadyAddresses = false;
  bool staticSource = false;  // read from the static directory, not the API server (kipvs extension)

  bool operator==(const Service&) const = default;
};

struct EndpointConditions {
  bool ready = true;         // nil = true
  bool serving = true;       // nil = true
  bool terminating = false;  // nil = false

  bool operator==(const EndpointConditions&) const = default;
};

struct Endpoint {
  std::vector<IpAddress> addresses;  // kube-proxy uses only the first
  EndpointConditions conditions;
  std::string nodeName;
  std::string zone;
  std::string hostname;
  std::string podName;  // targetRef.name when targetRef.kind == Pod
  std::vector<std::string> hintZones;
  std::vector<std::string> hintNodes;
  bool hasZoneHints = false;  // hints.forZones present (an empty list still counts)
  bool hasNodeHints = false;

  bool operator==(const Endpoint&) const = default;
};

struct EndpointPort {
  std::optional<std::string> name;  // nil name: the port is ignored
  Protocol protocol = Protocol::Tcp;
  std::optional<std::uint16_t> port;  // nil or 0: ignored

  bool operator==(const EndpointPort&) const = default;
};

enum class AddressType : std::uint8_t { IPv4, IPv6, FQDN };

struct EndpointSlice {
  ObjectMeta meta;
  std::string serviceName;  // label kubernetes.io/service-name; empty = not joined to any Service
  AddressType addressType = AddressType::IPv4;
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> ports;

  bool operator==(const EndpointSlice&) const = default;
};

struct NodeAddress {
  std::string type;  // InternalIP, ExternalIP, Hostname, ...
  std::string address;

  bool operator==(const NodeAddress&) const = default;
};

struct Node {
  ObjectMeta meta;
  std::vector<Cidr> podCIDRs;
  std::vector<NodeAddress> addresses;
  std::vector<std::string> taintKeys;  // spec.taints[].key (the health server looks for the autoscaler's)

  std::string zone() const {
    const auto it = meta.labels.find("topology.kubernetes.io/zone");
    return it == meta.labels.end() ? std::string{} : it->second;
  }
  bool operator==(const Node&) const = default;
};

// Everything the core needs to compute this node's IPVS state, at one consistent point in time.
struct ClusterSnapshot {
  std::map<ObjectKey, Service> services;
  std::map<ObjectKey, std::vector<EndpointSlice>> slicesByService;  // joined by kubernetes.io/service-name
  std::optional<Node> node;
  std::string resourceVersion;  // of the Services list, for display

  bool operator==(const ClusterSnapshot&) const = default;
};

}  // namespace kipvs::core
