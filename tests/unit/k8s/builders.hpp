#pragma once

// Small builders for cache and subscription tests.

#include <string>

#include "core/cluster.hpp"

namespace kipvs::k8s::testing {

inline core::Service service(const std::string& name, const std::string& rv, const std::string& uid = "uid-1",
                             const char* clusterIP = "10.96.0.10") {
  core::Service s;
  s.meta = {.ns = "shop", .name = name, .uid = uid, .resourceVersion = rv, .labels = {}, .annotations = {}};
  s.clusterIPs = {*core::IpAddress::parse(clusterIP)};
  s.ports = {
      {.name = "http", .protocol = core::Protocol::Tcp, .port = 80, .targetPort = std::uint16_t{8080}}};
  return s;
}

inline core::EndpointSlice slice(const std::string& name, const std::string& serviceName,
                                 const std::string& rv,
                                 std::initializer_list<const char*> ips = {"10.244.1.5"}) {
  core::EndpointSlice s;
  s.meta = {
      .ns = "shop", .name = name, .uid = "u-" + name, .resourceVersion = rv, .labels = {}, .annotations = {}};
  if (!serviceName.empty()) {
    s.meta.labels["kubernetes.io/service-name"] = serviceName;
  }
  s.serviceName = serviceName;
  for (const char* ip : ips) {
    core::Endpoint e;
    e.addresses = {*core::IpAddress::parse(ip)};
    s.endpoints.push_back(e);
  }
  s.ports = {{.name = "http", .protocol = core::Protocol::Tcp, .port = 8080}};
  return s;
}

}  // namespace kipvs::k8s::testing
