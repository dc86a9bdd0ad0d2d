// EndpointSlice and Node decoding against fixture JSON (k8s.io/api discovery/v1 and core/v1 types.go).

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "k8s/decode.hpp"
#include "k8s/decode_fields.hpp"

namespace kipvs::k8s {
namespace {

using testing::readFixture;

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

template <typename T>
T decodeAs(const std::string& json, ResourceKind kind) {
  ObjectResult result = decodeObject(json, kind);
  if (!result.object) {
    ADD_FAILURE() << result.rejected->describe();
    return {};
  }
  return std::get<T>(*result.object);
}

TEST(DecodeSlice, ReadsARealisticSlice) {
  const auto slice =
      decodeAs<core::EndpointSlice>(readFixture("endpointslice_web.json"), ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.meta.key().toString(), "shop/web-7xk2p");
  EXPECT_EQ(slice.serviceName, "web");
  EXPECT_EQ(slice.addressType, core::AddressType::IPv4);
  ASSERT_EQ(slice.endpoints.size(), 3U);
  const core::Endpoint& first = slice.endpoints[0];
  EXPECT_EQ(first.addresses, std::vector{ip("10.244.1.17")});
  EXPECT_EQ(first.conditions,
            (core::EndpointConditions{.ready = true, .serving = true, .terminating = false}));
  EXPECT_EQ(first.nodeName, "node-a");
  EXPECT_EQ(first.zone, "zone-1");
  EXPECT_EQ(first.podName, "web-6d9f7-abcde");
  EXPECT_TRUE(first.hasZoneHints);
  EXPECT_EQ(first.hintZones, std::vector<std::string>{"zone-1"});
  EXPECT_EQ(first.hintNodes, std::vector<std::string>{"node-a"});
  EXPECT_EQ(slice.endpoints[1].conditions,
            (core::EndpointConditions{.ready = false, .serving = true, .terminating = true}));
  // watch edge case 36: an endpoint without hints is decoded as such (the core then ignores all hints).
  EXPECT_FALSE(slice.endpoints[2].hasZoneHints);
  EXPECT_FALSE(slice.endpoints[2].hasNodeHints);
  ASSERT_EQ(slice.ports.size(), 2U);
  EXPECT_EQ(slice.ports[0],
            (core::EndpointPort{.name = "http", .protocol = core::Protocol::Tcp, .port = 8080}));
  EXPECT_EQ(slice.ports[1],
            (core::EndpointPort{.name = "dns", .protocol = core::Protocol::Udp, .port = 5353}));
}

// watch edge case 34: absent or null conditions default to ready/serving = true, terminating = false;
// nil port name and nil port stay nil.
TEST(DecodeSlice, AppliesNilSemanticsToConditionsAndPorts) {
  const auto slice =
      decodeAs<core::EndpointSlice>(readFixture("endpointslice_web_v6.json"), ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.addressType, core::AddressType::IPv6);
  ASSERT_EQ(slice.endpoints.size(), 2U);
  for (const auto& endpoint : slice.endpoints) {
    EXPECT_EQ(endpoint.conditions,
              (core::EndpointConditions{.ready = true, .serving = true, .terminating = false}));
  }
  EXPECT_EQ(slice.endpoints[0].addresses, std::vector{ip("fd00:10:244:1::11")});
  ASSERT_EQ(slice.ports.size(), 2U);
  EXPECT_EQ(slice.ports[0].protocol, core::Protocol::Tcp);  // protocol absent = TCP
  EXPECT_FALSE(slice.ports[1].name);
  EXPECT_FALSE(slice.ports[1].port);
  const auto noConditions = decodeAs<core::EndpointSlice>(
      R"({"metadata":{"name":"s","namespace":"n"},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}]})",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(noConditions.endpoints[0].conditions, core::EndpointConditions{});
}

// watch edge case 10 and 40: "endpoints": null and "ports": null (how the API writes an empty slice).
TEST(DecodeSlice, AcceptsNullEndpointsAndPorts) {
  const auto slice =
      decodeAs<core::EndpointSlice>(readFixture("endpointslice_empty.json"), ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.serviceName, "api");
  EXPECT_TRUE(slice.endpoints.empty());
  EXPECT_TRUE(slice.ports.empty());
}

// watch edge case 31: FQDN slices and slices without the service-name label decode (the cache ignores them).
TEST(DecodeSlice, KeepsFqdnSlicesWithoutParsingNamesAsAddresses) {
  const auto slice = decodeAs<core::EndpointSlice>(
      R"({"metadata":{"name":"f","namespace":"n"},"addressType":"FQDN","endpoints":[{"addresses":["db.example.com"]}]})",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.addressType, core::AddressType::FQDN);
  EXPECT_TRUE(slice.endpoints[0].addresses.empty());
  EXPECT_TRUE(slice.serviceName.empty());
}

TEST(DecodeSlice, ReadsEndpointsThatPrecedeAddressType) {
  const auto slice = decodeAs<core::EndpointSlice>(
      R"({"endpoints":[{"addresses":["fd00::1"]}],"metadata":{"name":"s","namespace":"n"},"addressType":"IPv6"})",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.endpoints[0].addresses, std::vector{ip("fd00::1")});
}

TEST(DecodeSlice, RejectsBadAddressesAndUnknownAddressTypes) {
  const auto bad = decodeObject(
      R"({"metadata":{"name":"s","namespace":"n"},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.x"]}]})",
      ResourceKind::EndpointSlice);
  ASSERT_TRUE(bad.rejected);
  EXPECT_NE(bad.rejected->describe().find("EndpointSlice n/s: endpoints[0].addresses[0]"), std::string::npos);
  const auto unknown = decodeObject(R"({"metadata":{"name":"s","namespace":"n"},"addressType":"IPv7"})",
                                    ResourceKind::EndpointSlice);
  ASSERT_TRUE(unknown.rejected);
}

TEST(DecodeNode, ReadsPodCidrsAddressesAndZone) {
  const auto node = decodeAs<core::Node>(readFixture("node_a.json"), ResourceKind::Node);
  EXPECT_EQ(node.meta.name, "node-a");
  EXPECT_EQ(node.zone(), "zone-1");
  ASSERT_EQ(node.podCIDRs.size(), 2U);
  EXPECT_EQ(node.podCIDRs[1].toString(), "fd00:10:244:1::/64");
  ASSERT_EQ(node.addresses.size(), 4U);
  EXPECT_EQ(node.addresses[0], (core::NodeAddress{.type = "InternalIP", .address = "172.18.0.11"}));
  EXPECT_FALSE(node.meta.deleting);
  const auto deleting = decodeAs<core::Node>(
      R"({"metadata":{"name":"n1","deletionTimestamp":"2025-10-02T09:05:00Z"},"spec":{"podCIDR":"10.1.0.0/24"}})",
      ResourceKind::Node);
  EXPECT_TRUE(deleting.meta.deleting);
  EXPECT_EQ(deleting.podCIDRs.size(), 1U);
}

TEST(DecodeNode, ReadsTaintKeys) {
  const auto node = decodeAs<core::Node>(
      R"({"metadata":{"name":"n1"},"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","value":"1700000000",)"
      R"("effect":"NoSchedule"},{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule"}]}})",
      ResourceKind::Node);
  EXPECT_EQ(node.taintKeys,
            (std::vector<std::string>{"ToBeDeletedByClusterAutoscaler", "node.kubernetes.io/unschedulable"}));
  EXPECT_TRUE(decodeAs<core::Node>(R"({"metadata":{"name":"n1"},"spec":{"taints":null}})", ResourceKind::Node)
                  .taintKeys.empty());
}

}  // namespace
}  // namespace kipvs::k8s

namespace kipvs::k8s {
namespace {

TEST(DecodeSlice, KeepsOnlyTheLastChangeTriggerTimeAnnotation) {
  const auto slice = decodeAs<core::EndpointSlice>(testing::readFixture("endpointslice_web.json"),
                                                   ResourceKind::EndpointSlice);
  EXPECT_EQ(slice.meta.annotations,
            (core::Labels{{"endpoints.kubernetes.io/last-change-trigger-time", "2025-10-02T09:01:17Z"}}));
}

struct TimeCase {
  const char* text;
  std::optional<std::int64_t> unixMs;
};

class Rfc3339Test : public ::testing::TestWithParam<TimeCase> {};

TEST_P(Rfc3339Test, ParsesWhatTheEndpointsControllerWrites) {
  EXPECT_EQ(detail::parseRfc3339Ms(GetParam().text), GetParam().unixMs) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Times, Rfc3339Test,
                         ::testing::Values(TimeCase{"1970-01-01T00:00:00Z", 0},
                                           TimeCase{"2025-10-02T09:01:17Z", 1759395677000},
                                           TimeCase{"2025-10-02T09:01:17.5Z", 1759395677500},
                                           TimeCase{"2025-10-02T09:01:17.123456789Z", 1759395677123},
                                           TimeCase{"2025-10-02T11:01:17+02:00", 1759395677000},
                                           TimeCase{"2025-10-02T08:31:17-00:30", 1759395677000},
                                           TimeCase{"2024-02-29T00:00:00Z", 1709164800000},
                                           TimeCase{"2023-02-29T00:00:00Z", std::nullopt},
                                           TimeCase{"2025-10-02 09:01:17Z", std::nullopt},
                                           TimeCase{"2025-10-02T09:01:17", std::nullopt},
                                           TimeCase{"2025-10-02T09:01:17.Z", std::nullopt},
                                           TimeCase{"yesterday", std::nullopt}, TimeCase{"", std::nullopt}));

}  // namespace
}  // namespace kipvs::k8s
