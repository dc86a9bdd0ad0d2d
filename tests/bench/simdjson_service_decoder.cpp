#include "simdjson_service_decoder.hpp"

#include <simdjson.h>

#include <stdexcept>

namespace kipvs::bench {

namespace {

namespace od = simdjson::ondemand;

std::string text(od::value value) {
  return std::string(std::string_view(value.get_string()));
}

core::IpAddress address(od::value value) {
  const auto ip = core::IpAddress::parse(std::string_view(value.get_string()));
  if (!ip) {
    throw std::runtime_error("bad address");
  }
  return *ip;
}

void readLabels(od::object object, core::Labels& out) {
  for (auto field : object) {
    out.emplace(std::string(std::string_view(field.unescaped_key())), text(field.value()));
  }
}

void readMeta(od::object object, core::ObjectMeta& meta) {
  for (auto field : object) {
    const std::string_view key = field.unescaped_key();
    if (key == "name") {
      meta.name = text(field.value());
    } else if (key == "namespace") {
      meta.ns = text(field.value());
    } else if (key == "uid") {
      meta.uid = text(field.value());
    } else if (key == "resourceVersion") {
      meta.resourceVersion = text(field.value());
    } else if (key == "labels") {
      readLabels(field.value().get_object(), meta.labels);
    } else if (key == "annotations") {
      readLabels(field.value().get_object(), meta.annotations);
    } else if (key == "deletionTimestamp") {
      meta.deleting = !field.value().is_null();
    }
  }
}

core::ServicePort readPort(od::object object) {
  core::ServicePort port;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key();
    if (key == "name") {
      port.name = text(field.value());
    } else if (key == "protocol") {
      const auto protocol = core::parseProtocol(std::string_view(field.value().get_string()));
      if (!protocol) {
        throw std::runtime_error("bad protocol");
      }
      port.protocol = *protocol;
    } else if (key == "port") {
      port.port = static_cast<std::uint16_t>(std::uint64_t(field.value().get_uint64()));
    } else if (key == "nodePort") {
      port.nodePort = static_cast<std::uint16_t>(std::uint64_t(field.value().get_uint64()));
    } else if (key == "targetPort") {
      od::value value = field.value();
      if (value.type() == od::json_type::number) {
        port.targetPort = static_cast<std::uint16_t>(std::uint64_t(value.get_uint64()));
      } else {
        port.targetPort = text(value);
      }
    }
  }
  return port;
}

void readSpec(od::object object, core::Service& service) {
  for (auto field : object) {
    const std::string_view key = field.unescaped_key();
    if (key == "type") {
      const std::string_view type = field.value().get_string();
      service.type = type == "NodePort"       ? core::ServiceType::NodePort
                     : type == "LoadBalancer" ? core::ServiceType::LoadBalancer
                     : type == "ExternalName" ? core::ServiceType::ExternalName
                                              : core::ServiceType::ClusterIP;
    } else if (key == "clusterIPs") {
      service.clusterIPs.clear();
      for (auto ip : field.value().get_array()) {
        service.clusterIPs.push_back(address(ip.value()));
      }
    } else if (key == "clusterIP" && service.clusterIPs.empty()) {
      service.clusterIPs.push_back(address(field.value()));
    } else if (key == "ipFamilies") {
      for (auto family : field.value().get_array()) {
        service.ipFamilies.push_back(std::string_view(family.get_string()) == "IPv6" ? core::IpFamily::V6
                                                                                     : core::IpFamily::V4);
      }
    } else if (key == "ports") {
      for (auto port : field.value().get_array()) {
        service.ports.push_back(readPort(port.get_object()));
      }
    } else if (key == "sessionAffinity") {
      service.clientIPAffinity = std::string_view(field.value().get_string()) == "ClientIP";
    } else if (key == "internalTrafficPolicy") {
      service.internalTrafficPolicy = std::string_view(field.value().get_string()) == "Local"
                                          ? core::TrafficPolicy::Local
                                          : core::TrafficPolicy::Cluster;
    } else if (key == "externalTrafficPolicy") {
      service.externalTrafficPolicy = std::string_view(field.value().get_string()) == "Local"
                                          ? core::TrafficPolicy::Local
                                          : core::TrafficPolicy::Cluster;
    }
  }
}

core::Service readService(od::object object) {
  core::Service service;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key();
    if (key == "metadata") {
      readMeta(field.value().get_object(), service.meta);
    } else if (key == "spec") {
      readSpec(field.value().get_object(), service);
    }
  }
  return service;
}

od::parser& parser() {
  thread_local od::parser instance;
  return instance;
}

}  // namespace

std::size_t simdjsonPadding() {
  return simdjson::SIMDJSON_PADDING;
}

std::string decodeServiceListSimdjson(std::string_view json, std::size_t capacity,
                                      const std::function<void(core::Service&&)>& onItem) {
  od::document doc = parser().iterate(json.data(), json.size(), capacity);
  std::string resourceVersion;
  for (auto field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    if (key == "metadata") {
      for (auto meta : field.value().get_object()) {
        if (std::string_view(meta.unescaped_key()) == "resourceVersion") {
          resourceVersion = text(meta.value());
        }
      }
    } else if (key == "items") {
      for (auto item : field.value().get_array()) {
        onItem(readService(item.get_object()));
      }
    }
  }
  return resourceVersion;
}

core::Service decodeServiceEventSimdjson(std::string_view json, std::size_t capacity) {
  od::document doc = parser().iterate(json.data(), json.size(), capacity);
  core::Service service;
  for (auto field : doc.get_object()) {
    if (std::string_view(field.unescaped_key()) == "object") {
      service = readService(field.value().get_object());
    }
  }
  return service;
}

}  // namespace kipvs::bench
