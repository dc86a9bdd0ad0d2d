#include "k8s/encode.hpp"

namespace kipvs::k8s {
namespace {

using core::JsonWriter;

constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

void writeLabels(JsonWriter& out, std::string_view name, const core::Labels& labels) {
  if (labels.empty()) {
    return;
  }
  out.key(name).beginObject();
  for (const auto& [key, value] : labels) {
    out.field(key, value);
  }
  out.endObject();
}

void writeMeta(JsonWriter& out, const core::ObjectMeta& meta, const core::Labels& labels) {
  out.key("metadata").beginObject();
  out.field("name", meta.name);
  if (!meta.ns.empty()) {
    out.field("namespace", meta.ns);
  }
  out.field("uid", meta.uid).field("resourceVersion", meta.resourceVersion);
  writeLabels(out, "labels", labels);
  writeLabels(out, "annotations", meta.annotations);
  if (meta.deleting) {
    out.field("deletionTimestamp", "1970-01-01T00:00:00Z");  // only its presence is read
  }
  out.endObject();
}

template <typename T, typename Fn>
void writeArray(JsonWriter& out, std::string_view name, const std::vector<T>& values, Fn&& write) {
  if (values.empty()) {
    return;
  }
  out.key(name).beginArray();
  for (const auto& value : values) {
    write(value);
  }
  out.endArray();
}

void writeAddresses(JsonWriter& out, std::string_view name, const std::vector<core::IpAddress>& addresses) {
  writeArray(out, name, addresses, [&](const core::IpAddress& address) { out.value(address.toString()); });
}

std::string_view serviceType(core::ServiceType type) {
  switch (type) {
    case core::ServiceType::ClusterIP:
      return "ClusterIP";
    case core::ServiceType::NodePort:
      return "NodePort";
    case core::ServiceType::LoadBalancer:
      return "LoadBalancer";
    case core::ServiceType::ExternalName:
      return "ExternalName";
  }
  return "ClusterIP";
}

std::string_view policy(core::TrafficPolicy value) {
  return value == core::TrafficPolicy::Local ? "Local" : "Cluster";
}

void writePort(JsonWriter& out, const core::ServicePort& port) {
  out.beginObject();
  if (!port.name.empty()) {
    out.field("name", port.name);
  }
  out.field("protocol", core::toString(port.protocol)).field("port", std::int64_t{port.port});
  if (const auto* number = std::get_if<std::uint16_t>(&port.targetPort)) {
    out.field("targetPort", std::int64_t{*number});
  } else {
    out.field("targetPort", std::get<std::string>(port.targetPort));
  }
  if (port.nodePort != 0) {
    out.field("nodePort", std::int64_t{port.nodePort});
  }
  out.endObject();
}

void writeServiceSpec(JsonWriter& out, const core::Service& service) {
  out.key("spec").beginObject();
  out.field("type", serviceType(service.type));
  if (service.headless || !service.clusterIPs.empty()) {
    out.key("clusterIPs").beginArray();
    if (service.headless) {
      out.value("None");
    }
    for (const auto& ip : service.clusterIPs) {
      out.value(ip.toString());
    }
    out.endArray();
  }
  writeArray(out, "ipFamilies", service.ipFamilies,
             [&](core::IpFamily family) { out.value(family == core::IpFamily::V4 ? "IPv4" : "IPv6"); });
  writeArray(out, "ports", service.ports, [&](const core::ServicePort& port) { writePort(out, port); });
  writeAddresses(out, "externalIPs", service.externalIPs);
  writeArray(out, "loadBalancerSourceRanges", service.loadBalancerSourceRanges,
             [&](const core::Cidr& cidr) { out.value(cidr.toString()); });
  if (service.clientIPAffinity) {
    out.field("sessionAffinity", "ClientIP");
  }
  if (service.clientIPAffinity || service.affinityTimeoutSeconds != core::Service{}.affinityTimeoutSeconds) {
    out.key("sessionAffinityConfig").beginObject().key("clientIP").beginObject();
    out.field("timeoutSeconds", std::int64_t{service.affinityTimeoutSeconds}).endObject().endObject();
  }
  if (service.externalTrafficPolicy != core::TrafficPolicy::Cluster) {
    out.field("externalTrafficPolicy", policy(service.externalTrafficPolicy));
  }
  if (service.internalTrafficPolicy != core::TrafficPolicy::Cluster) {
    out.field("internalTrafficPolicy", policy(service.internalTrafficPolicy));
  }
  switch (service.trafficDistribution) {
    case core::TrafficDistribution::None:
      break;
    case core::TrafficDistribution::PreferClose:
      out.field("trafficDistribution", "PreferClose");
      break;
    case core::TrafficDistribution::PreferSameZone:
      out.field("trafficDistribution", "PreferSameZone");
      break;
    case core::TrafficDistribution::PreferSameNode:
      out.field("trafficDistribution", "PreferSameNode");
      break;
  }
  if (service.healthCheckNodePort != 0) {
    out.field("healthCheckNodePort", std::int64_t{service.healthCheckNodePort});
  }
  if (service.publishNotReadyAddresses) {
    out.field("publishNotReadyAddresses", true);
  }
  out.endObject();
}

void writeHints(JsonWriter& out, std::string_view name, bool present, const std::vector<std::string>& names) {
  if (!present) {
    return;
  }
  out.key(name).beginArray();
  for (const auto& value : names) {
    out.beginObject().field("name", value).endObject();
  }
  out.endArray();
}

void writeEndpoint(JsonWriter& out, const core::Endpoint& endpoint) {
  out.beginObject();
  out.key("addresses").beginArray();
  for (const auto& address : endpoint.addresses) {
    out.value(address.toString());
  }
  out.endArray();
  // Absent conditions mean ready/serving and not terminating (the API's nil semantics): a 10k-Service
  // snapshot is a fifth smaller without the defaults.
  const core::EndpointConditions defaults;
  if (endpoint.conditions != defaults) {
    out.key("conditions").beginObject();
    if (endpoint.conditions.ready != defaults.ready) {
      out.field("ready", endpoint.conditions.ready);
    }
    if (endpoint.conditions.serving != defaults.serving) {
      out.field("serving", endpoint.conditions.serving);
    }
    if (endpoint.conditions.terminating != defaults.terminating) {
      out.field("terminating", endpoint.conditions.terminating);
    }
    out.endObject();
  }
  for (const auto& [name, value] :
       {std::pair<std::string_view, const std::string&>{"nodeName", endpoint.nodeName},
        {"zone", endpoint.zone},
        {"hostname", endpoint.hostname}}) {
    if (!value.empty()) {
      out.field(name, value);
    }
  }
  if (!endpoint.podName.empty()) {
    out.key("targetRef").beginObject().field("kind", "Pod").field("name", endpoint.podName).endObject();
  }
  if (endpoint.hasZoneHints || endpoint.hasNodeHints) {
    out.key("hints").beginObject();
    writeHints(out, "forZones", endpoint.hasZoneHints, endpoint.hintZones);
    writeHints(out, "forNodes", endpoint.hasNodeHints, endpoint.hintNodes);
    out.endObject();
  }
  out.endObject();
}

}  // namespace

void encodeService(core::JsonWriter& out, const core::Service& service) {
  out.beginObject().field("apiVersion", "v1").field("kind", "Service");
  writeMeta(out, service.meta, service.meta.labels);
  writeServiceSpec(out, service);
  if (!service.loadBalancerIngress.empty()) {
    out.key("status").beginObject().key("loadBalancer").beginObject();
    writeArray(out, "ingress", service.loadBalancerIngress, [&](const core::LoadBalancerIngress& ingress) {
      out.beginObject();
      if (ingress.ip) {
        out.field("ip", ingress.ip->toString());
      }
      if (!ingress.hostname.empty()) {
        out.field("hostname", ingress.hostname);
      }
      out.field("ipMode", ingress.proxyMode ? "Proxy" : "VIP").endObject();
    });
    out.endObject().endObject();
  }
  out.endObject();
}

void encodeEndpointSlice(core::JsonWriter& out, const core::EndpointSlice& slice) {
  out.beginObject().field("apiVersion", "discovery.k8s.io/v1").field("kind", "EndpointSlice");
  auto labels = slice.meta.labels;
  if (!slice.serviceName.empty()) {
    labels[std::string(kServiceNameLabel)] = slice.serviceName;  // the join key lives in this label
  }
  writeMeta(out, slice.meta, labels);
  out.field("addressType", slice.addressType == core::AddressType::IPv4   ? "IPv4"
                           : slice.addressType == core::AddressType::IPv6 ? "IPv6"
                                                                          : "FQDN");
  out.key("endpoints").beginArray();
  for (const auto& endpoint : slice.endpoints) {
    writeEndpoint(out, endpoint);
  }
  out.endArray();
  out.key("ports").beginArray();
  for (const auto& port : slice.ports) {
    out.beginObject();
    if (port.name) {
      out.field("name", *port.name);
    }
    out.field("protocol", core::toString(port.protocol));
    if (port.port) {
      out.field("port", std::int64_t{*port.port});
    }
    out.endObject();
  }
  out.endArray().endObject();
}

void encodeNode(core::JsonWriter& out, const core::Node& node) {
  out.beginObject().field("apiVersion", "v1").field("kind", "Node");
  writeMeta(out, node.meta, node.meta.labels);
  out.key("spec").beginObject();
  writeArray(out, "podCIDRs", node.podCIDRs, [&](const core::Cidr& cidr) { out.value(cidr.toString()); });
  writeArray(out, "taints", node.taintKeys, [&](const std::string& taint) {
    out.beginObject().field("key", taint).field("effect", "NoSchedule").endObject();
  });
  out.endObject();
  out.key("status").beginObject();
  writeArray(out, "addresses", node.addresses, [&](const core::NodeAddress& address) {
    out.beginObject().field("type", address.type).field("address", address.address).endObject();
  });
  out.endObject().endObject();
}

}  // namespace kipvs::k8s
