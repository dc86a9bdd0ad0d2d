#include "core/firewall_derive.hpp"

#include <gtest/gtest.h>

#include "core/desired_builder.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

FirewallEntry tcp(std::string_view address, std::uint16_t number) {
  return {.address = ip(address), .protocol = Protocol::Tcp, .port = number};
}

TEST(DeriveFirewall, SortsEveryVirtualServiceIntoItsFirewallRole) {
  auto lb =
      service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::LoadBalancer);
  lb.loadBalancerIngress = {ingress("203.0.113.7")};
  lb.loadBalancerSourceRanges = {cidr("198.51.100.0/24")};
  lb.externalTrafficPolicy = TrafficPolicy::Local;
  auto ext = service("api", {"10.96.0.1"}, {port(443)});
  ext.externalIPs = {ip("198.51.100.9")};
  const auto snap =
      snapshot({lb, ext}, {slice("web", {endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")},
                                 {slicePort(8080, "http")})});
  auto node = nodeA();
  node.clusterCidrs = {cidr("10.244.0.0/16")};

  const auto spec = deriveFirewall(computeDesired(snap, node), node);
  EXPECT_EQ(spec.clusterCidrs, std::vector{cidr("10.244.0.0/16")});
  EXPECT_EQ(spec.clusterIps, (std::vector{tcp("10.96.0.1", 443), tcp("10.96.0.10", 80)}));
  EXPECT_EQ(spec.external, std::vector{tcp("198.51.100.9", 443)});
  EXPECT_EQ(spec.externalLocal, (std::vector{tcp("192.168.1.10", 30080), tcp("203.0.113.7", 80)}));
  ASSERT_EQ(spec.sourceRanges.size(), 1U);
  EXPECT_EQ(spec.sourceRanges[0].entry, tcp("203.0.113.7", 80));
  EXPECT_EQ(spec.sourceRanges[0].allowed, std::vector{cidr("198.51.100.0/24")});
  EXPECT_EQ(spec.guardedAddresses,
            (std::vector{ip("10.96.0.1"), ip("10.96.0.10"), ip("198.51.100.9"), ip("203.0.113.7")}));
  EXPECT_EQ(spec.hairpinEndpoints, std::vector{ip("10.244.1.5")});  // the local pod only
}

TEST(DeriveFirewall, EqualDesiredStatesGiveEqualSpecs) {
  const auto snap = snapshot({service("web", {"10.96.0.10"}, {port(80)})}, {});
  EXPECT_EQ(deriveFirewall(computeDesired(snap, nodeA()), nodeA()),
            deriveFirewall(computeDesired(snap, nodeA()), nodeA()));
  EXPECT_EQ(deriveFirewall(DesiredState{}, NodeContext{}), FirewallSpec{});
}

}  // namespace
}  // namespace kipvs::core
