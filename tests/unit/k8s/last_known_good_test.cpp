#include "k8s/last_known_good.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "k8s/cache.hpp"
#include "k8s/static_source.hpp"

namespace kipvs::k8s {
namespace {

using core::IpAddress;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

Object decodeFixture(const std::string& name, ResourceKind kind) {
  auto result = decodeObject(testing::readFixture(name), kind);
  if (!result.object) {
    throw std::runtime_error(name + " did not decode");
  }
  return *result.object;
}

core::ClusterSnapshot fixtureSnapshot() {
  ClusterCache cache;
  Delta delta;
  cache.replace(ResourceKind::Service, {decodeFixture("service_web.json", ResourceKind::Service)}, {}, "500",
                delta);
  cache.replace(ResourceKind::EndpointSlice,
                {decodeFixture("endpointslice_web.json", ResourceKind::EndpointSlice),
                 decodeFixture("endpointslice_web_v6.json", ResourceKind::EndpointSlice)},
                {}, "500", delta);
  cache.replace(ResourceKind::Node, {decodeFixture("node_a.json", ResourceKind::Node)}, {}, "500", delta);
  return cache.snapshot();
}

// Every field of the three kinds away from its default, plus text that needs escaping.
core::ClusterSnapshot richSnapshot() {
  core::Service lb;
  lb.meta = {.ns = "shop",
             .name = "front",
             .uid = "u1",
             .resourceVersion = "41",
             .labels = {{"app", "front"}},
             .annotations = {{"note", "quote \" backslash \\ newline \n tab \t bell \a"}},
             .deleting = true};
  lb.type = core::ServiceType::LoadBalancer;
  lb.clusterIPs = {ip("10.96.0.20"), ip("fd00::20")};
  lb.ipFamilies = {core::IpFamily::V4, core::IpFamily::V6};
  lb.ports = {
      {.name = "https",
       .protocol = core::Protocol::Tcp,
       .port = 443,
       .targetPort = std::string("web"),
       .nodePort = 30443},
      {.name = "quic", .protocol = core::Protocol::Udp, .port = 443, .targetPort = std::uint16_t{8443}},
      {.name = "", .protocol = core::Protocol::Sctp, .port = 9, .targetPort = std::uint16_t{9}}};
  lb.externalIPs = {ip("192.0.2.7")};
  lb.loadBalancerIngress = {{.ip = ip("203.0.113.5"), .hostname = "", .proxyMode = true},
                            {.ip = std::nullopt, .hostname = "lb.example.org", .proxyMode = false}};
  lb.loadBalancerSourceRanges = {*core::Cidr::parse("198.51.100.0/24"), *core::Cidr::parse("2001:db8::/32")};
  lb.clientIPAffinity = true;
  lb.affinityTimeoutSeconds = 60;
  lb.externalTrafficPolicy = core::TrafficPolicy::Local;
  lb.internalTrafficPolicy = core::TrafficPolicy::Local;
  lb.trafficDistribution = core::TrafficDistribution::PreferSameNode;
  lb.healthCheckNodePort = 32000;
  lb.publishNotReadyAddresses = true;

  core::Service headless;
  headless.meta = {
      .ns = "shop", .name = "db", .uid = "u2", .resourceVersion = "42", .labels = {}, .annotations = {}};
  headless.headless = true;
  headless.ports = {
      {.name = "pg", .protocol = core::Protocol::Tcp, .port = 5432, .targetPort = std::uint16_t{5432}}};

  core::EndpointSlice slice;
  slice.meta = {
      .ns = "shop",
      .name = "front-x1",
      .uid = "u3",
      .resourceVersion = "43",
      .labels = {{"kubernetes.io/service-name", "front"}, {"endpointslice.kubernetes.io/managed-by", "c"}},
      .annotations = {}};
  slice.serviceName = "front";
  slice.addressType = core::AddressType::IPv4;
  core::Endpoint ready;
  ready.addresses = {ip("10.244.1.5")};
  ready.nodeName = "node-a";
  ready.zone = "z1";
  ready.hostname = "front-0";
  ready.podName = "front-0";
  ready.hintZones = {"z1", "z2"};
  ready.hasZoneHints = true;
  ready.hasNodeHints = true;  // present and empty
  core::Endpoint leaving;
  leaving.addresses = {ip("10.244.2.5")};
  leaving.conditions = {.ready = false, .serving = true, .terminating = true};
  slice.endpoints = {ready, leaving};
  slice.ports = {{.name = "https", .protocol = core::Protocol::Tcp, .port = 8443},
                 {.name = std::nullopt, .protocol = core::Protocol::Udp, .port = std::nullopt}};

  core::Node node;
  node.meta = {.ns = "",
               .name = "node-a",
               .uid = "u4",
               .resourceVersion = "44",
               .labels = {{"topology.kubernetes.io/zone", "z1"}},
               .annotations = {}};
  node.podCIDRs = {*core::Cidr::parse("10.244.1.0/24"), *core::Cidr::parse("fd00:244:1::/64")};
  node.addresses = {{"InternalIP", "192.168.1.10"}, {"Hostname", "node-a"}};

  core::ClusterSnapshot snapshot;
  snapshot.services = {{lb.meta.key(), lb}, {headless.meta.key(), headless}};
  snapshot.slicesByService = {{lb.meta.key(), {slice}}};
  snapshot.node = node;
  snapshot.resourceVersion = "45";
  return snapshot;
}

TEST(LastKnownGood, FixtureObjectsRoundTripExactly) {
  const auto snapshot = fixtureSnapshot();
  ASSERT_FALSE(snapshot.services.empty());
  ASSERT_FALSE(snapshot.slicesByService.empty());
  ASSERT_TRUE(snapshot.node.has_value());
  const auto saved = decodeLastKnownGood(encodeLastKnownGood(snapshot, "node-a", "2026-11-26T12:00:00Z"));
  EXPECT_EQ(saved.snapshot, snapshot);
  EXPECT_EQ(saved.nodeName, "node-a");
  EXPECT_EQ(saved.savedAt, "2026-11-26T12:00:00Z");
  EXPECT_TRUE(saved.skipped.empty());
}

TEST(LastKnownGood, EveryFieldRoundTripsExactly) {
  const auto snapshot = richSnapshot();
  const auto text = encodeLastKnownGood(snapshot, "node-a", "t");
  const auto saved = decodeLastKnownGood(text);
  EXPECT_EQ(saved.snapshot.services, snapshot.services);
  EXPECT_EQ(saved.snapshot.slicesByService, snapshot.slicesByService);
  EXPECT_EQ(saved.snapshot.node, snapshot.node);
  EXPECT_EQ(saved.snapshot, snapshot);
  EXPECT_EQ(encodeLastKnownGood(saved.snapshot, "node-a", "t"), text) << "encoding is deterministic";
}

TEST(LastKnownGood, AnEmptyClusterRoundTrips) {
  const auto saved = decodeLastKnownGood(encodeLastKnownGood({}, "node-a", "t"));
  EXPECT_EQ(saved.snapshot, core::ClusterSnapshot{});
}

TEST(LastKnownGood, EveryTruncationIsRefusedWithAnError) {
  const auto text = encodeLastKnownGood(richSnapshot(), "node-a", "t");
  const auto end = text.find_last_not_of('\n');  // the document without its last byte is the first cut
  for (std::size_t length = 0; length <= end; ++length) {
    EXPECT_THROW(decodeLastKnownGood(std::string_view(text).substr(0, length)), LastKnownGoodError)
        << "length " << length;
  }
}

TEST(LastKnownGood, RefusesFilesThatAreNotOurs) {
  EXPECT_THROW(decodeLastKnownGood(""), LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood("not json"), LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood("{}"), LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood(R"({"kind":"List","items":[]})"), LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood(R"({"kind":"List","kipvs":{"format":1,"nodeName":"a"}})"),
               LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood(R"({"kind":"List","kipvs":{"format":1},"items":[]})"), LastKnownGoodError);
  EXPECT_THROW(decodeLastKnownGood(R"({"kind":"List","kipvs":{"format":1,"nodeName":"a"},"items":[]} x)"),
               LastKnownGoodError);
  try {
    decodeLastKnownGood(R"({"kind":"List","kipvs":{"format":2,"nodeName":"a"},"items":[]})");
    FAIL() << "format 2 accepted";
  } catch (const LastKnownGoodError& error) {
    EXPECT_NE(std::string(error.what()).find("format 2"), std::string::npos) << error.what();
  }
}

TEST(LastKnownGood, AMalformedObjectIsSkippedAndTheRestRestored) {
  auto text = encodeLastKnownGood(richSnapshot(), "node-a", "t");
  const auto at = text.find(R"("port":5432)");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, R"("port":70000)");
  const auto saved = decodeLastKnownGood(text);
  ASSERT_EQ(saved.skipped.size(), 1U);
  EXPECT_NE(saved.skipped[0].find("shop/db"), std::string::npos) << saved.skipped[0];
  EXPECT_EQ(saved.snapshot.services.size(), 1U);
  EXPECT_TRUE(saved.snapshot.services.contains({"shop", "front"}));
}

TEST(LastKnownGood, IsAManifestListTheStaticReaderUnderstands) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "kipvs-lkg-static";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "saved.json") << encodeLastKnownGood(richSnapshot(), "node-a", "t");
  const auto set = readManifestDirectory(dir);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(set.errors.empty());
  EXPECT_EQ(set.services.items.size(), 2U);
  EXPECT_EQ(set.slices.items.size(), 1U);
}

}  // namespace
}  // namespace kipvs::k8s
