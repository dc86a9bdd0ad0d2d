// The `inet kipvs` table against the VM's kernel, with real traffic between network namespaces.

#include <gtest/gtest.h>

#include "datapath_fixture.hpp"

namespace kipvs::host {
namespace {

using vmtest::sh;
using vmtest::shOk;
using vmtest::tcpQuery;
using vmtest::udpQuery;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// nft prints protocols by name, or by number where /etc/protocols is missing (as in the guest).
bool hasElement(const std::string& text, const std::string& address, const std::string& protocol, int number,
                int port) {
  const auto tail = " . " + std::to_string(port);
  return contains(text, address + " . " + protocol + tail) ||
         contains(text, address + " . " + std::to_string(number) + tail);
}

TEST_F(DataPath, ClusterIpFromOutsideTheClusterCidrIsMasqueradedToTheNodeAddress) {
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("client", "10.96.0.10", 53), "peer=10.244.1.1");
  EXPECT_EQ(tcpQuery("client", "10.96.0.10", 80), "peer=10.244.1.1");
}

TEST_F(DataPath, ClusterIpFromAPodKeepsThePodAddressUnlessMasqueradeAll) {
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("pod2", "10.96.0.10", 53), "peer=10.244.2.6");
  auto spec = baseSpec();
  spec.masqueradeAll = true;
  firewall_->apply(spec);
  EXPECT_EQ(udpQuery("pod2", "10.96.0.10", 53), "peer=10.244.1.1");
}

TEST_F(DataPath, Ipv6ClusterIpIsMasqueradedFromOutsideAndKeptFromPods) {
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("client", "fd00:96::10", 53), "peer=fd00:244:1::1");
  EXPECT_EQ(tcpQuery("client", "fd00:96::10", 80), "peer=fd00:244:1::1");
  EXPECT_EQ(udpQuery("pod2", "fd00:96::10", 53), "peer=fd00:244:2::6");
  EXPECT_EQ(udpQuery("pod", "fd00:96::10", 53), "peer=fd00:244:1::1");  // hairpin
}

TEST_F(DataPath, Ipv6VipGuardHidesNodeListeners) {
  auto spec = baseSpec();
  spec.guardedAddresses.clear();
  firewall_->apply(spec);
  EXPECT_EQ(tcpQuery("client", "fd00:96::10", 2222), "peer=fd00:198::2");  // control: reachable unguarded
  firewall_->apply(baseSpec());
  EXPECT_EQ(tcpQuery("client", "fd00:96::10", 2222), "error:ECONNREFUSED");
  EXPECT_EQ(tcpQuery("client", "fd00:198::1", 2222), "peer=fd00:198::2");
}

TEST_F(DataPath, TheNodeItselfReachesAClusterIp) {
  firewall_->apply(baseSpec());
  // Locally originated: marked in the output hook, masqueraded like any source outside the cluster CIDR.
  const auto udp = udpQuery("", "10.96.0.10", 53);
  ASSERT_TRUE(udp.has_value());
  EXPECT_EQ(udp->rfind("peer=", 0), 0U) << *udp;
  EXPECT_EQ(tcpQuery("", "10.96.0.10", 80).rfind("peer=", 0), 0U);
}

TEST_F(DataPath, NodePortWithEtpClusterIsMasqueraded) {
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("client", "198.51.100.1", 30053), "peer=10.244.1.1");
}

TEST_F(DataPath, NodePortWithEtpLocalKeepsTheClientAddress) {
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("client", "198.51.100.1", 30054), "peer=198.51.100.2");
}

TEST_F(DataPath, HairpinLetsAPodReachItselfThroughItsService) {
  auto spec = baseSpec();
  spec.hairpinEndpoints.clear();
  firewall_->apply(spec);
  // Without hairpin masquerade the pod answers itself directly, from the wrong address: no reply.
  EXPECT_EQ(udpQuery("pod", "10.96.0.10", 53), std::nullopt);
  firewall_->apply(baseSpec());
  EXPECT_EQ(udpQuery("pod", "10.96.0.10", 53), "peer=10.244.1.1");
}

TEST_F(DataPath, VipGuardHidesNodeListenersBehindServiceAddresses) {
  auto spec = baseSpec();
  spec.guardedAddresses.clear();
  firewall_->apply(spec);
  // Control: without the guard, a node listener on 0.0.0.0 answers on a ClusterIP.
  EXPECT_EQ(tcpQuery("client", "10.96.0.10", 2222), "peer=198.51.100.2");
  firewall_->apply(baseSpec());
  EXPECT_EQ(tcpQuery("client", "10.96.0.10", 2222), "error:ECONNREFUSED");
  EXPECT_EQ(tcpQuery("client", "192.0.2.20", 2222), "error:ECONNREFUSED");
  EXPECT_EQ(tcpQuery("client", "198.51.100.1", 2222), "peer=198.51.100.2");  // node address: not a VIP
  EXPECT_EQ(tcpQuery("client", "10.96.0.10", 80), "peer=10.244.1.1");        // service port: answers
}

TEST_F(DataPath, SourceRangesDropOtherClientsUntilTheirRangeIsAllowed) {
  firewall_->replace(baseSpec());
  EXPECT_EQ(tcpQuery("client", "192.0.2.20", 80), "error:ETIMEDOUT");
  auto spec = baseSpec();
  spec.sourceRanges[0].allowed.push_back(*core::Cidr::parse("198.51.100.0/24"));
  const auto replacements = firewall_->replacements();
  firewall_->apply(spec);
  EXPECT_EQ(firewall_->replacements(), replacements);  // an element update, not a new table
  EXPECT_EQ(tcpQuery("client", "192.0.2.20", 80), "peer=10.244.1.1");
}

TEST_F(DataPath, ReplacingTheTableLeavesOtherTablesAlone) {
  shOk(
      "nft add table inet kipvs_neighbour && "
      "nft add chain inet kipvs_neighbour input '{ type filter hook input priority 10; }' && "
      "nft add rule inet kipvs_neighbour input tcp dport 4444 counter accept && "
      "nft add table ip kipvs");  // same name, other family: not ours either
  const auto before = shOk("nft list table inet kipvs_neighbour");
  firewall_->replace(baseSpec());
  auto spec = baseSpec();
  spec.masqueradeAll = true;
  firewall_->apply(spec);  // rules change: whole replacement
  firewall_->apply(baseSpec());
  EXPECT_EQ(shOk("nft list table inet kipvs_neighbour"), before);
  EXPECT_TRUE(sh("nft list table ip kipvs").status == 0);
  const auto tables = shOk("nft list tables");
  EXPECT_EQ(tables.find("table inet kipvs\n"), tables.rfind("table inet kipvs\n")) << tables;  // exactly one
  const auto ours = firewall_->list();
  EXPECT_TRUE(hasElement(ours, "10.96.0.10", "udp", 17, 53)) << ours;
  EXPECT_TRUE(contains(ours, "masquerade fully-random")) << ours;
  shOk("nft delete table inet kipvs_neighbour && nft delete table ip kipvs");
}

TEST_F(DataPath, ADeletedTableIsRecreatedByTheNextApply) {
  firewall_->apply(baseSpec());
  shOk("nft delete table inet kipvs");
  auto spec = baseSpec();
  spec.guardedAddresses.pop_back();  // an element change: the update fails, the fallback replaces
  firewall_->apply(spec);
  EXPECT_TRUE(contains(shOk("nft list set inet kipvs vips_v4"), "10.96.0.10"));
  EXPECT_EQ(udpQuery("client", "10.96.0.10", 53), "peer=10.244.1.1");
}

TEST_F(DataPath, UpdatesAreElementChangesInOneTransaction) {
  firewall_->replace(baseSpec());
  const auto transactions = firewall_->transactions();
  auto spec = baseSpec();
  spec.clusterIps.push_back(
      {.address = *core::IpAddress::parse("10.96.0.11"), .protocol = core::Protocol::Tcp, .port = 443});
  spec.guardedAddresses.push_back(*core::IpAddress::parse("10.96.0.11"));
  firewall_->apply(spec);
  EXPECT_EQ(firewall_->transactions(), transactions + 1);
  firewall_->apply(spec);  // nothing changed: no transaction at all
  EXPECT_EQ(firewall_->transactions(), transactions + 1);
  EXPECT_TRUE(hasElement(shOk("nft list set inet kipvs cluster_ips_v4"), "10.96.0.11", "tcp", 6, 443));
}

}  // namespace
}  // namespace kipvs::host
