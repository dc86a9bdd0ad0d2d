#include "core/service_health.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kipvs::core {
namespace {

const ObjectKey kWeb{"shop", "web"};

Endpoint endpoint(const char* address, const char* node, bool ready = true, bool terminating = false) {
  Endpoint e;
  e.addresses = {*IpAddress::parse(address)};
  e.nodeName = node;
  e.conditions = {.ready = ready, .serving = true, .terminating = terminating};
  return e;
}

EndpointSlice slice(std::vector<Endpoint> endpoints, std::vector<std::uint16_t> ports = {8080},
                    AddressType type = AddressType::IPv4) {
  EndpointSlice s;
  s.serviceName = "web";
  s.addressType = type;
  s.endpoints = std::move(endpoints);
  for (const auto port : ports) {
    s.ports.push_back({.name = "http" + std::to_string(port), .protocol = Protocol::Tcp, .port = port});
  }
  return s;
}

struct CountCase {
  const char* name;
  std::vector<EndpointSlice> slices;
  std::uint32_t expected;  // 0: absent from the result
};

class LocalReadyEndpoints : public testing::TestWithParam<CountCase> {};

TEST_P(LocalReadyEndpoints, CountDistinctReadyEndpointsOnThisNode) {
  ClusterSnapshot snapshot;
  snapshot.slicesByService[kWeb] = GetParam().slices;
  const auto counts = localReadyEndpoints(snapshot, "node-a", {{kWeb, 30001}});
  if (GetParam().expected == 0) {
    EXPECT_TRUE(counts.empty());
  } else {
    ASSERT_EQ(counts.size(), 1U);
    EXPECT_EQ(counts.at(kWeb), GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Slices, LocalReadyEndpoints,
    testing::Values(
        CountCase{"OneLocalOneRemote",
                  {slice({endpoint("10.0.0.1", "node-a"), endpoint("10.0.1.1", "node-b")})},
                  1},
        CountCase{"OnlyRemote", {slice({endpoint("10.0.1.1", "node-b")})}, 0},
        CountCase{"LocalNotReady", {slice({endpoint("10.0.0.1", "node-a", false)})}, 0},
        CountCase{"LocalOnlyTerminating", {slice({endpoint("10.0.0.1", "node-a", false, true)})}, 0},
        CountCase{"TwoLocal", {slice({endpoint("10.0.0.1", "node-a"), endpoint("10.0.0.2", "node-a")})}, 2},
        CountCase{"EachPortCounts", {slice({endpoint("10.0.0.1", "node-a")}, {8080, 8443})}, 2},
        CountCase{"TheSameEndpointInTwoSlicesCountsOnce",
                  {slice({endpoint("10.0.0.1", "node-a")}), slice({endpoint("10.0.0.1", "node-a")})},
                  1},
        CountCase{"BothFamilies",
                  {slice({endpoint("10.0.0.1", "node-a")}),
                   slice({endpoint("fd00::1", "node-a")}, {8080}, AddressType::IPv6)},
                  2},
        CountCase{"PortlessSlicesCountNothing", {slice({endpoint("10.0.0.1", "node-a")}, {})}, 0},
        CountCase{"NoSlices", {}, 0}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(LocalReadyEndpointsOf, OnlyTheServicesAsked) {
  ClusterSnapshot snapshot;
  snapshot.slicesByService[kWeb] = {slice({endpoint("10.0.0.1", "node-a")})};
  snapshot.slicesByService[{"shop", "db"}] = {slice({endpoint("10.0.0.9", "node-a")})};
  const auto counts = localReadyEndpoints(snapshot, "node-a", {{kWeb, 30001}});
  EXPECT_EQ(counts, (std::map<ObjectKey, std::uint32_t>{{kWeb, 1}}));
}

struct AnswerCase {
  const char* name;
  std::uint32_t local;
  bool healthy;
  int status;
};

class ServiceHealthAnswers : public testing::TestWithParam<AnswerCase> {};

TEST_P(ServiceHealthAnswers, Are200OnlyWithALocalEndpointAndAHealthyProxy) {
  const auto& c = GetParam();
  const auto answer = serviceHealthAnswer(kWeb, c.local, c.healthy);
  EXPECT_EQ(answer.status, c.status);
  EXPECT_EQ(answer.headers, (std::vector<std::pair<std::string, std::string>>{
                                {"Content-Type", "application/json"},
                                {"X-Content-Type-Options", "nosniff"},
                                {"X-Load-Balancing-Endpoint-Weight", std::to_string(c.local)}}));
  EXPECT_NE(answer.body.find("\"localEndpoints\": " + std::to_string(c.local) + ","), std::string::npos);
  EXPECT_NE(answer.body.find(std::string("\"serviceProxyHealthy\": ") + (c.healthy ? "true" : "false")),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Counts, ServiceHealthAnswers,
                         testing::Values(AnswerCase{"LocalAndHealthy", 2, true, 200},
                                         AnswerCase{"NoLocal", 0, true, 503},
                                         AnswerCase{"ProxyUnhealthy", 3, false, 503},
                                         AnswerCase{"Neither", 0, false, 503}),
                         [](const auto& param) { return std::string(param.param.name); });

TEST(ServiceHealthAnswer, BodyIsLaidOutAsKubeProxyLaysItOut) {
  EXPECT_EQ(serviceHealthAnswer(kWeb, 1, true).body,
            "{\n\t\"service\": {\n\t\t\"namespace\": \"shop\",\n\t\t\"name\": \"web\"\n\t},\n"
            "\t\"localEndpoints\": 1,\n\t\"serviceProxyHealthy\": true\n}");
}

}  // namespace
}  // namespace kipvs::core
