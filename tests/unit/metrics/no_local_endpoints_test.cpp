#include "metrics/no_local_endpoints.hpp"

#include <gtest/gtest.h>

namespace kipvs::metrics {
namespace {

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

core::Endpoint endpoint(const char* address, const char* node, bool ready = true, bool terminating = false) {
  core::Endpoint result;
  result.addresses = {ip(address)};
  result.conditions = {.ready = ready, .serving = ready || terminating, .terminating = terminating};
  result.nodeName = node;
  return result;
}

struct ServiceCase {
  const char* name;
  core::Service service;
  std::vector<core::Endpoint> endpoints;  // one IPv4 slice
  std::uint64_t internal;
  std::uint64_t external;
};

core::Service service(core::ServiceType type, core::TrafficPolicy internal, core::TrafficPolicy external) {
  core::Service s;
  s.meta.ns = "default";
  s.meta.name = "svc";
  s.type = type;
  s.clusterIPs = {ip("10.96.0.5")};
  s.internalTrafficPolicy = internal;
  s.externalTrafficPolicy = external;
  return s;
}

using core::ServiceType;
using core::TrafficPolicy;

class NoLocalEndpointsTable : public ::testing::TestWithParam<ServiceCase> {};

TEST_P(NoLocalEndpointsTable, CountsLocalPolicyServicesWithRemoteEndpointsOnly) {
  core::ClusterSnapshot snapshot;
  const auto& c = GetParam();
  snapshot.services[c.service.meta.key()] = c.service;
  core::EndpointSlice slice;
  slice.serviceName = "svc";
  slice.addressType = core::AddressType::IPv4;
  slice.endpoints = c.endpoints;
  snapshot.slicesByService[c.service.meta.key()] = {slice};
  const auto counts = countNoLocalEndpoints(snapshot, "here");
  EXPECT_EQ(counts.at({PolicyScope::Internal, core::IpFamily::V4}), c.internal);
  EXPECT_EQ(counts.at({PolicyScope::External, core::IpFamily::V4}), c.external);
  EXPECT_EQ(counts.at({PolicyScope::Internal, core::IpFamily::V6}), 0U);
  EXPECT_EQ(counts.at({PolicyScope::External, core::IpFamily::V6}), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NoLocalEndpointsTable,
    ::testing::Values(
        ServiceCase{"ClusterPoliciesNeverCount",
                    service(ServiceType::NodePort, TrafficPolicy::Cluster, TrafficPolicy::Cluster),
                    {endpoint("10.244.1.1", "there")},
                    0,
                    0},
        ServiceCase{"InternalLocalWithOnlyRemoteEndpoints",
                    service(ServiceType::ClusterIP, TrafficPolicy::Local, TrafficPolicy::Cluster),
                    {endpoint("10.244.1.1", "there")},
                    1,
                    0},
        ServiceCase{"InternalLocalWithALocalEndpoint",
                    service(ServiceType::ClusterIP, TrafficPolicy::Local, TrafficPolicy::Cluster),
                    {endpoint("10.244.1.1", "there"), endpoint("10.244.2.2", "here")},
                    0,
                    0},
        ServiceCase{"InternalLocalWithoutAnyEndpoint",
                    service(ServiceType::ClusterIP, TrafficPolicy::Local, TrafficPolicy::Cluster),
                    {},
                    0,
                    0},
        ServiceCase{"ExternalLocalOnALoadBalancer",
                    service(ServiceType::LoadBalancer, TrafficPolicy::Cluster, TrafficPolicy::Local),
                    {endpoint("10.244.1.1", "there")},
                    0,
                    1},
        ServiceCase{"ExternalLocalOnAClusterIPIsNotReachableFromOutside",
                    service(ServiceType::ClusterIP, TrafficPolicy::Cluster, TrafficPolicy::Local),
                    {endpoint("10.244.1.1", "there")},
                    0,
                    0},
        ServiceCase{"BothPoliciesLocal",
                    service(ServiceType::NodePort, TrafficPolicy::Local, TrafficPolicy::Local),
                    {endpoint("10.244.1.1", "there")},
                    1,
                    1},
        ServiceCase{"ALocalEndpointThatIsNotReadyDoesNotServe",
                    service(ServiceType::NodePort, TrafficPolicy::Cluster, TrafficPolicy::Local),
                    {endpoint("10.244.1.1", "there"), endpoint("10.244.2.2", "here", false)},
                    0,
                    1},
        ServiceCase{"ALocalServingTerminatingEndpointStillServes",
                    service(ServiceType::NodePort, TrafficPolicy::Cluster, TrafficPolicy::Local),
                    {endpoint("10.244.1.1", "there"), endpoint("10.244.2.2", "here", false, true)},
                    0,
                    0}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(NoLocalEndpoints, WritesKubeProxysSeriesForBothScopesAndFamilies) {
  std::string out;
  TextWriter writer(out);
  writeNoLocalEndpoints(writer, countNoLocalEndpoints({}, "here"));
  EXPECT_NE(out.find("kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\",ip_"
                     "family=\"IPv4\"} 0\n"),
            std::string::npos);
  EXPECT_NE(out.find("kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"external\",ip_"
                     "family=\"IPv6\"} 0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace kipvs::metrics
