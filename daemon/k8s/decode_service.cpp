// Service (v1) decoding: the ServiceSpec/ServiceStatus fields of k8s.io/api core/v1/types.go a proxy reads.

#include <charconv>

#include "k8s/decode_fields.hpp"

namespace kipvs::k8s::detail {

namespace {

using core::Service;

void readTargetPort(JsonReader& reader, core::ServicePort& port, Issues& issues, std::size_t index) {
  if (reader.tryNull()) {
    return;
  }
  if (reader.peek() == JsonType::String) {
    std::string text = reader.readString();
    if (text.empty()) {
      return;
    }
    std::uint16_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc{} && end == text.data() + text.size()) {
      port.targetPort = number;  // IntOrString written as a numeric string
    } else {
      port.targetPort = std::move(text);
    }
    return;
  }
  port.targetPort = static_cast<std::uint16_t>(
      readIntIn(reader, 0, 65535, 0, issues, {"spec.ports", index, ".targetPort"}));
}

void readPorts(JsonReader& reader, Service& service, Issues& issues) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginArray();
  while (reader.nextElement()) {
    const std::size_t index = service.ports.size();
    core::ServicePort port;
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "name") {
        port.name = readOptString(reader);
      } else if (key == "protocol") {
        port.protocol = readProtocol(reader, issues, {"spec.ports", index, ".protocol"});
      } else if (key == "port") {
        port.port = static_cast<std::uint16_t>(
            readIntIn(reader, 1, 65535, 0, issues, {"spec.ports", index, ".port"}));
      } else if (key == "targetPort") {
        readTargetPort(reader, port, issues, index);
      } else if (key == "nodePort") {
        port.nodePort = static_cast<std::uint16_t>(
            readIntIn(reader, 0, 65535, 0, issues, {"spec.ports", index, ".nodePort"}));
      } else {
        reader.skip();
      }
    }
    if (port.port == 0) {
      issues.add(Field{"spec.ports", index, ".port"}.str() + ": missing");
    }
    if (const auto* number = std::get_if<std::uint16_t>(&port.targetPort); number && *number == 0) {
      port.targetPort = port.port;  // the API defaults targetPort to port
    }
    service.ports.push_back(std::move(port));
  }
}

core::TrafficPolicy readPolicy(JsonReader& reader) {
  return readOptString(reader) == "Local" ? core::TrafficPolicy::Local : core::TrafficPolicy::Cluster;
}

core::TrafficDistribution readDistribution(JsonReader& reader) {
  const std::string text = readOptString(reader);
  if (text == "PreferClose") {
    return core::TrafficDistribution::PreferClose;
  }
  if (text == "PreferSameZone") {
    return core::TrafficDistribution::PreferSameZone;
  }
  if (text == "PreferSameNode") {
    return core::TrafficDistribution::PreferSameNode;
  }
  return core::TrafficDistribution::None;  // unknown future values: no topology preference
}

void readAffinityConfig(JsonReader& reader, Service& service, Issues& issues) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key != "clientIP") {
      reader.skip();
      continue;
    }
    if (reader.tryNull()) {
      continue;  // consumed: "clientIP": null
    }
    reader.beginObject();
    while (reader.nextKey(key)) {
      if (key == "timeoutSeconds") {
        service.affinityTimeoutSeconds = static_cast<std::uint32_t>(readIntIn(
            reader, 1, 86400, 10800, issues, {"spec.sessionAffinityConfig.clientIP.timeoutSeconds"}));
      } else {
        reader.skip();
      }
    }
  }
}

void readSpec(JsonReader& reader, Service& service, Issues& issues) {
  if (reader.tryNull()) {
    return;
  }
  std::string clusterIP;
  std::vector<std::string> clusterIPs;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "type") {
      const std::string type = readOptString(reader);
      if (type.empty() || type == "ClusterIP") {
        service.type = core::ServiceType::ClusterIP;
      } else if (type == "NodePort") {
        service.type = core::ServiceType::NodePort;
      } else if (type == "LoadBalancer") {
        service.type = core::ServiceType::LoadBalancer;
      } else if (type == "ExternalName") {
        service.type = core::ServiceType::ExternalName;
      } else {
        issues.add("spec.type: unknown type \"" + type + "\"");
      }
    } else if (key == "clusterIP") {
      clusterIP = readOptString(reader);
    } else if (key == "clusterIPs") {
      forEachString(reader, [&](std::size_t, std::string_view ip) { clusterIPs.emplace_back(ip); });
    } else if (key == "ipFamilies") {
      forEachString(reader, [&](std::size_t, std::string_view family) {
        if (family == "IPv4") {
          service.ipFamilies.push_back(core::IpFamily::V4);
        } else if (family == "IPv6") {
          service.ipFamilies.push_back(core::IpFamily::V6);
        }
      });
    } else if (key == "ports") {
      readPorts(reader, service, issues);
    } else if (key == "externalIPs") {
      forEachString(reader, [&](std::size_t i, std::string_view ip) {
        parseAddress(ip, service.externalIPs, issues, {"spec.externalIPs", i});
      });
    } else if (key == "loadBalancerSourceRanges") {
      forEachString(reader, [&](std::size_t i, std::string_view text) {
        if (const auto cidr = core::Cidr::parse(text)) {
          service.loadBalancerSourceRanges.push_back(*cidr);
        } else if (const auto ip = core::IpAddress::parse(text)) {
          service.loadBalancerSourceRanges.push_back(
              {*ip, static_cast<std::uint8_t>(ip->family() == core::IpFamily::V4 ? 32 : 128)});
        } else {
          issues.add(Field{"spec.loadBalancerSourceRanges", i}.str() + ": invalid CIDR \"" +
                     std::string(text) + "\"");
        }
      });
    } else if (key == "sessionAffinity") {
      service.clientIPAffinity = readOptString(reader) == "ClientIP";
    } else if (key == "sessionAffinityConfig") {
      readAffinityConfig(reader, service, issues);
    } else if (key == "externalTrafficPolicy") {
      service.externalTrafficPolicy = readPolicy(reader);
    } else if (key == "internalTrafficPolicy") {
      service.internalTrafficPolicy = readPolicy(reader);
    } else if (key == "trafficDistribution") {
      service.trafficDistribution = readDistribution(reader);
    } else if (key == "healthCheckNodePort") {
      service.healthCheckNodePort =
          static_cast<std::uint16_t>(readIntIn(reader, 0, 65535, 0, issues, {"spec.healthCheckNodePort"}));
    } else if (key == "publishNotReadyAddresses") {
      service.publishNotReadyAddresses = readOptBool(reader, false);
    } else {
      reader.skip();
    }
  }
  if (clusterIPs.empty() && !clusterIP.empty()) {
    clusterIPs.push_back(clusterIP);
  }
  for (std::size_t i = 0; i < clusterIPs.size(); ++i) {
    if (clusterIPs[i] == "None") {
      service.headless = true;
    } else if (!clusterIPs[i].empty()) {
      parseAddress(clusterIPs[i], service.clusterIPs, issues, {"spec.clusterIPs", i});
    }
  }
  if (service.type == core::ServiceType::ExternalName) {
    service.clusterIPs.clear();  // ExternalName has no ClusterIP of its own
  }
}

void readIngress(JsonReader& reader, Service& service, Issues& issues) {
  reader.beginArray();
  while (reader.nextElement()) {
    const std::size_t index = service.loadBalancerIngress.size();
    core::LoadBalancerIngress ingress;
    std::string ipMode;
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "ip") {
        const std::string text = readOptString(reader);
        std::vector<core::IpAddress> parsed;
        if (!text.empty()) {
          parseAddress(text, parsed, issues, {"status.loadBalancer.ingress", index, ".ip"});
        }
        if (!parsed.empty()) {
          ingress.ip = parsed.front();
        }
      } else if (key == "hostname") {
        ingress.hostname = readOptString(reader);
      } else if (key == "ipMode") {
        ipMode = reader.tryNull() ? std::string{} : reader.readString();
      } else {
        reader.skip();
      }
    }
    // Like kube-proxy's IsVIPMode: absent or "VIP" is VIP; anything else (Proxy, unknown) is not.
    ingress.proxyMode = !ipMode.empty() && ipMode != "VIP";
    service.loadBalancerIngress.push_back(std::move(ingress));
  }
}

void readStatus(JsonReader& reader, Service& service, Issues& issues) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key != "loadBalancer") {
      reader.skip();
      continue;
    }
    if (reader.tryNull()) {
      continue;  // consumed: "loadBalancer": null
    }
    reader.beginObject();
    while (reader.nextKey(key)) {
      if (key == "ingress" && !reader.tryNull()) {
        readIngress(reader, service, issues);
      } else if (key != "ingress") {
        reader.skip();
      }
    }
  }
}

}  // namespace

core::Service decodeServiceBody(JsonReader& reader, Issues& issues) {
  Service service;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "metadata") {
      readMeta(reader, service.meta);
    } else if (key == "spec") {
      readSpec(reader, service, issues);
    } else if (key == "status") {
      readStatus(reader, service, issues);
    } else {
      reader.skip();
    }
  }
  return service;
}

}  // namespace kipvs::k8s::detail
