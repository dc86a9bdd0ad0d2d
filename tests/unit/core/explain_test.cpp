#include "core/explain.hpp"

#include <gtest/gtest.h>

#include "core/desired_builder.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

TEST(ExplainVirtualService, SaysForEachEndpointWhetherAndWhyItIsUsed) {
  auto web = service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::NodePort);
  web.externalTrafficPolicy = TrafficPolicy::Local;
  const auto snap =
      snapshot({web}, {slice("web", {endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")},
                             {slicePort(8080, "http")})});
  auto node = nodeA();
  node.drains.endpoints = {ip("10.244.1.5")};
  const auto desired = computeDesired(snap, node);
  const VirtualServiceKey nodePort{.protocol = Protocol::Tcp, .address = ip("192.168.1.10"), .port = 30080};

  const auto explanation = explainVirtualService(snap, node, desired, nodePort);
  ASSERT_TRUE(explanation);
  EXPECT_EQ(explanation->summary, "default/web:http NodePort, 1 of 2 endpoints used (traffic policy Local)");
  ASSERT_EQ(explanation->endpoints.size(), 2U);
  EXPECT_EQ(explanation->endpoints[0],
            (ExplainedEndpoint{.address = ip("10.244.1.5"),
                               .port = 8080,
                               .pod = "pod-10.244.1.5",
                               .node = "node-a",
                               .included = true,
                               .reason = "ready; drained by operator (weight 0)"}));
  EXPECT_FALSE(explanation->endpoints[1].included);
  EXPECT_EQ(explanation->endpoints[1].reason, "on another node and the traffic policy is Local");
}

TEST(ExplainVirtualService, KnowsNothingOfVirtualServicesKipvsDoesNotWant) {
  const auto snap = snapshot({service("web", {"10.96.0.10"}, {port(80)})}, {});
  const auto desired = computeDesired(snap, nodeA());
  const VirtualServiceKey other{.protocol = Protocol::Udp, .address = ip("10.96.0.10"), .port = 80};
  EXPECT_FALSE(explainVirtualService(snap, nodeA(), desired, other));
}

}  // namespace
}  // namespace kipvs::core
