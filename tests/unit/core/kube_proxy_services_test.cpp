#include "core/kube_proxy_services.hpp"

#include <gtest/gtest.h>

#include "core_fixtures.hpp"

namespace kipvs::core::kubeproxy {
namespace {

using testing::ip;

VirtualServiceKey vs(Protocol protocol, std::string_view address, std::uint16_t port) {
  const auto a = ip(address);
  return {.family = a.family(), .protocol = protocol, .address = a, .port = port, .fwmark = 0};
}

struct Node {
  IpsetDump sets = parseIpsetSave(
      "create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\nadd KUBE-NODE-PORT-TCP 30080\n"
      "create KUBE-NODE-PORT-LOCAL-UDP bitmap:port range 0-65535\nadd KUBE-NODE-PORT-LOCAL-UDP 30053\n"
      "create KUBE-NODE-PORT-SCTP-HASH hash:ip,port family inet\nadd KUBE-NODE-PORT-SCTP-HASH "
      "192.0.2.1,sctp:30099\n"
      "create KUBE-6-NODE-PORT-TCP bitmap:port range 0-65535\nadd KUBE-6-NODE-PORT-TCP 30443\n");
  ServiceEvidence evidence{.kubeIpvs0 = {ip("10.96.0.10"), ip("fd00:96::a")},
                           .nodeAddresses = {ip("192.0.2.1"), ip("2001:db8::1")},
                           .sets = &sets};
};

TEST(KubeProxyServices, AVirtualServiceOnAKubeIpvs0AddressIsKubeProxys) {
  const Node node;
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Tcp, "10.96.0.10", 80), node.evidence));
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Udp, "10.96.0.10", 53), node.evidence));
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Tcp, "fd00:96::a", 443), node.evidence));
}

TEST(KubeProxyServices, ANodePortOnANodeAddressIsKubeProxysWhenItsPortIsInTheNodePortSet) {
  const Node node;
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Tcp, "192.0.2.1", 30080), node.evidence));
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Udp, "192.0.2.1", 30053), node.evidence));  // ETP Local set
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Sctp, "192.0.2.1", 30099), node.evidence));
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Tcp, "2001:db8::1", 30443), node.evidence));
}

TEST(KubeProxyServices, ANodeAddressServiceOutsideTheNodePortSetsIsForeign) {
  const Node node;
  EXPECT_FALSE(isKubeProxyService(vs(Protocol::Tcp, "192.0.2.1", 8080), node.evidence));
  EXPECT_FALSE(isKubeProxyService(vs(Protocol::Udp, "192.0.2.1", 30080), node.evidence));    // TCP's port
  EXPECT_FALSE(isKubeProxyService(vs(Protocol::Tcp, "2001:db8::1", 30080), node.evidence));  // IPv4's set
}

TEST(KubeProxyServices, ANodePortPortOnAnAddressThatIsNotTheNodesIsForeign) {
  const Node node;
  EXPECT_FALSE(isKubeProxyService(vs(Protocol::Tcp, "198.51.100.1", 30080), node.evidence));
}

TEST(KubeProxyServices, WithoutIpsetsOnlyKubeIpvs0ProvesOwnership) {
  Node node;
  node.evidence.sets = nullptr;
  EXPECT_FALSE(isKubeProxyService(vs(Protocol::Tcp, "192.0.2.1", 30080), node.evidence));
  EXPECT_TRUE(isKubeProxyService(vs(Protocol::Tcp, "10.96.0.10", 80), node.evidence));
}

TEST(KubeProxyServices, AFirewallMarkServiceIsNeverKubeProxys) {
  const Node node;
  VirtualServiceKey mark;
  mark.fwmark = 7;
  EXPECT_FALSE(isKubeProxyService(mark, node.evidence));
}

TEST(KubeProxyServices, PicksKubeProxysAmongTheKernelsServices) {
  const Node node;
  const auto picked =
      kubeProxyServices({vs(Protocol::Tcp, "10.96.0.10", 80), vs(Protocol::Tcp, "198.51.100.1", 80),
                         vs(Protocol::Tcp, "192.0.2.1", 30080)},
                        node.evidence);
  EXPECT_EQ(picked, (std::set<VirtualServiceKey>{vs(Protocol::Tcp, "10.96.0.10", 80),
                                                 vs(Protocol::Tcp, "192.0.2.1", 30080)}));
}

TEST(KubeProxyVipMove, AVipLeavesKubeIpvs0OnlyOnceItIsOnKipvs0) {
  const auto move = planVipMove({ip("10.96.0.10"), ip("10.96.0.11")}, {ip("10.96.0.10")},
                                {ip("10.96.0.10"), ip("10.96.0.11")});
  EXPECT_EQ(move.remove, (std::vector<IpAddress>{ip("10.96.0.10")}));
  EXPECT_EQ(move.waiting, (std::vector<IpAddress>{ip("10.96.0.11")}));
  EXPECT_FALSE(move.deleteLink);
}

TEST(KubeProxyVipMove, AStaleVipLeavesAtOnceAndAnEmptiedLinkIsDeleted) {
  const auto move = planVipMove({ip("10.96.0.10"), ip("10.96.0.99")}, {ip("10.96.0.10")}, {ip("10.96.0.10")});
  EXPECT_EQ(move.remove, (std::vector<IpAddress>{ip("10.96.0.10"), ip("10.96.0.99")}));
  EXPECT_TRUE(move.deleteLink);
}

}  // namespace
}  // namespace kipvs::core::kubeproxy
