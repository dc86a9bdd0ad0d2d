// Service decoding against fixture JSON (k8s.io/api core/v1/types.go) and the decoding watch edge cases.

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "k8s/decode.hpp"

namespace kipvs::k8s {
namespace {

using testing::readFixture;

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

core::Service decodeService(const std::string& json) {
  ObjectResult result = decodeObject(json, ResourceKind::Service);
  if (!result.object) {
    ADD_FAILURE() << result.rejected->describe();
    return {};
  }
  return std::get<core::Service>(*result.object);
}

TEST(DecodeService, ReadsEveryFieldOfARealisticLoadBalancer) {
  const core::Service svc = decodeService(readFixture("service_web.json"));
  EXPECT_EQ(svc.meta.key().toString(), "shop/web");
  EXPECT_EQ(svc.meta.uid, "6f0d3b2a-1c7e-4c35-9a3e-2f8f1b7b9e10");
  EXPECT_EQ(svc.meta.resourceVersion, "482950");
  EXPECT_EQ(svc.meta.labels.at("app.kubernetes.io/name"), "web");
  EXPECT_EQ(svc.meta.annotations.at("example.com/owner"), "team-a");
  EXPECT_EQ(svc.type, core::ServiceType::LoadBalancer);
  EXPECT_FALSE(svc.headless);
  EXPECT_EQ(svc.clusterIPs, (std::vector{ip("10.96.14.7"), ip("fd00:10:96::e07")}));
  EXPECT_EQ(svc.ipFamilies, (std::vector{core::IpFamily::V4, core::IpFamily::V6}));
  ASSERT_EQ(svc.ports.size(), 2U);
  EXPECT_EQ(svc.ports[0], (core::ServicePort{.name = "http",
                                             .protocol = core::Protocol::Tcp,
                                             .port = 80,
                                             .targetPort = std::string("http"),
                                             .nodePort = 31080}));
  EXPECT_EQ(svc.ports[1], (core::ServicePort{.name = "dns",
                                             .protocol = core::Protocol::Udp,
                                             .port = 53,
                                             .targetPort = std::uint16_t{5353},
                                             .nodePort = 31053}));
  EXPECT_EQ(svc.externalIPs, std::vector{ip("192.0.2.10")});
  EXPECT_TRUE(svc.clientIPAffinity);
  EXPECT_EQ(svc.affinityTimeoutSeconds, 3600U);
  EXPECT_EQ(svc.externalTrafficPolicy, core::TrafficPolicy::Local);
  EXPECT_EQ(svc.internalTrafficPolicy, core::TrafficPolicy::Cluster);
  EXPECT_EQ(svc.trafficDistribution, core::TrafficDistribution::PreferSameZone);
  EXPECT_EQ(svc.healthCheckNodePort, 32119);
  ASSERT_EQ(svc.loadBalancerSourceRanges.size(), 1U);
  EXPECT_EQ(svc.loadBalancerSourceRanges[0].toString(), "198.51.100.0/24");
  // watch edge case 39: ipMode VIP vs Proxy vs hostname-only ingress.
  ASSERT_EQ(svc.loadBalancerIngress.size(), 3U);
  EXPECT_EQ(svc.loadBalancerIngress[0].ip, ip("203.0.113.25"));
  EXPECT_FALSE(svc.loadBalancerIngress[0].proxyMode);
  EXPECT_TRUE(svc.loadBalancerIngress[1].proxyMode);
  EXPECT_FALSE(svc.loadBalancerIngress[2].ip);
  EXPECT_EQ(svc.loadBalancerIngress[2].hostname, "web-1234.elb.example.com");
}

// watch edge case 7: unknown fields and unknown enum values are ignored or treated conservatively.
TEST(DecodeService, IgnoresUnknownFieldsAndTreatsUnknownEnumsConservatively) {
  const core::Service svc =
      decodeService(R"({"metadata":{"name":"a","namespace":"n","futureField":{"x":[1,2]}},
    "spec":{"clusterIP":"10.0.0.1","ports":[{"port":80,"futurePortField":true}],
            "trafficDistribution":"PreferSomewhereNew","externalTrafficPolicy":"Sideways"},
    "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","ipMode":"Teleport"},{"ip":"192.0.2.2"}]}},
    "futureTopLevel":"x"})");
  EXPECT_EQ(svc.trafficDistribution, core::TrafficDistribution::None);
  EXPECT_EQ(svc.externalTrafficPolicy, core::TrafficPolicy::Cluster);
  ASSERT_EQ(svc.loadBalancerIngress.size(), 2U);
  EXPECT_TRUE(svc.loadBalancerIngress[0].proxyMode);   // unknown ipMode: not VIP, as kube-proxy
  EXPECT_FALSE(svc.loadBalancerIngress[1].proxyMode);  // absent ipMode: VIP
  EXPECT_EQ(svc.ports[0].targetPort, (std::variant<std::uint16_t, std::string>{std::uint16_t{80}}));
}

// watch edge case 10: creationTimestamp null vs absent, items without kind/apiVersion, empty items.
TEST(DecodeService, AcceptsNullTimestampsAndListItemsWithoutKind) {
  const ListResult list = decodeList(readFixture("service_list_page1.json"), ResourceKind::Service);
  EXPECT_EQ(list.resourceVersion, "501270");
  EXPECT_FALSE(list.continueToken.empty());
  ASSERT_EQ(list.items.size(), 4U);
  ASSERT_EQ(list.rejected.size(), 1U);
  EXPECT_EQ(list.rejected[0].meta.key().toString(), "shop/broken");
  EXPECT_NE(list.rejected[0].describe().find("10.96.0.999"), std::string::npos);
  const auto& v6 = std::get<core::Service>(list.items[1]);
  EXPECT_EQ(v6.clusterIPs, std::vector{ip("fd00:10:96::5")});  // watch edge case 37: single-stack IPv6
  EXPECT_EQ(v6.ports[0].targetPort, (std::variant<std::uint16_t, std::string>{std::uint16_t{8443}}));
  EXPECT_TRUE(std::get<core::Service>(list.items[2]).headless);  // watch edge case 38: headless
  const auto& ext = std::get<core::Service>(list.items[3]);      // watch edge case 38: ExternalName
  EXPECT_EQ(ext.type, core::ServiceType::ExternalName);
  EXPECT_TRUE(ext.clusterIPs.empty());

  const ListResult empty = decodeList(
      R"({"kind":"ServiceList","metadata":{"resourceVersion":"7"},"items":[]})", ResourceKind::Service);
  EXPECT_TRUE(empty.items.empty());
  EXPECT_EQ(empty.resourceVersion, "7");
  const ListResult nullItems =
      decodeList(R"({"metadata":{"resourceVersion":"8"},"items":null})", ResourceKind::Service);
  EXPECT_TRUE(nullItems.items.empty());
  const core::Service nullTs = decodeService(
      R"({"metadata":{"name":"a","namespace":"n","creationTimestamp":null},"spec":{"clusterIP":"10.0.0.2"}})");
  EXPECT_EQ(nullTs.meta.name, "a");
}

// A null object member is the member absent; the decoder used to skip the value after it and fail the
// whole object (and the watch stream) with a syntax error.
TEST(DecodeService, NullAffinityClientIPAndNullLoadBalancerStatusAreAbsent) {
  const core::Service svc = decodeService(
      R"({"metadata":{"name":"a","namespace":"n"},"spec":{"clusterIP":"10.0.0.2","sessionAffinity":"ClientIP",)"
      R"("sessionAffinityConfig":{"clientIP":null}},"status":{"loadBalancer":null}})");
  EXPECT_EQ(svc.meta.name, "a");
  EXPECT_TRUE(svc.clientIPAffinity);
  EXPECT_EQ(svc.affinityTimeoutSeconds, 10800U);
  EXPECT_TRUE(svc.loadBalancerIngress.empty());
}

// Design rule 5: a malformed object is rejected alone, naming namespace/name and the reason.
TEST(DecodeService, RejectsImpossibleValuesWithNamespaceNameAndReason) {
  const struct {
    const char* spec;
    const char* reason;
  } cases[] = {
      {R"({"clusterIP":"10.0.0.1","ports":[{"port":70000}]})", "spec.ports[0].port: 70000 is out of range"},
      {R"({"clusterIP":"10.0.0.1","ports":[{"port":80,"protocol":"ICMP"}]})", "unsupported protocol"},
      {R"({"clusterIP":"10.0.0.300"})", "invalid IP address"},
      {R"({"type":"Teleport","clusterIP":"10.0.0.1"})", "unknown type"},
      {R"({"clusterIP":"10.0.0.1","ports":[{"port":"80"}]})", "not a number"},
      {R"({"clusterIP":"10.0.0.1","ports":[{"port":8.5}]})", "not an integer"},
      {R"({"clusterIP":"10.0.0.1","externalIPs":["nope"]})", "spec.externalIPs[0]"},
      {R"({"clusterIP":"10.0.0.1","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":100000}}})",
       "out of range"},
  };
  for (const auto& c : cases) {
    const std::string json =
        std::string(R"({"metadata":{"name":"bad","namespace":"shop"},"spec":)") + c.spec + "}";
    const ObjectResult result = decodeObject(json, ResourceKind::Service);
    ASSERT_TRUE(result.rejected) << c.spec;
    EXPECT_FALSE(result.object);
    const std::string text = result.rejected->describe();
    EXPECT_NE(text.find("Service shop/bad: "), std::string::npos) << text;
    EXPECT_NE(text.find(c.reason), std::string::npos) << text;
  }
  EXPECT_TRUE(decodeObject(R"({"metadata":{"namespace":"shop"}})", ResourceKind::Service).rejected);
}

TEST(DecodeService, ThrowsOnBrokenSyntax) {
  EXPECT_THROW(decodeObject(R"({"metadata":{"name":"a"},)", ResourceKind::Service), JsonError);
  EXPECT_THROW(decodeObject(R"({"metadata":{"name":"a"}} {})", ResourceKind::Service), JsonError);
}

}  // namespace
}  // namespace kipvs::k8s
