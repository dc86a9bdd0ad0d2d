// kipvs0, node addresses and sysctls against the VM's real kernel.

#include <gtest/gtest.h>

#include <algorithm>

#include "host/dummy_link.hpp"
#include "host/local_addresses.hpp"
#include "host/sysctls.hpp"
#include "vm_helpers.hpp"

namespace kipvs::host {
namespace {

using core::IpAddress;
using vmtest::sh;
using vmtest::shOk;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}
bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(DummyLinkVm, CreatesKipvs0AsADummyThatStaysDown) {
  DummyLink link;
  const int index = link.ensure();
  EXPECT_GT(index, 0);
  EXPECT_EQ(link.ensure(), index);  // idempotent: the same link
  const auto shown = shOk("ip -d -o link show kipvs0");
  EXPECT_TRUE(contains(shown, "dummy")) << shown;
  EXPECT_TRUE(contains(shown, "<BROADCAST,NOARP>")) << shown;  // no UP flag
  EXPECT_TRUE(contains(shown, "state DOWN")) << shown;
}

TEST(DummyLinkVm, AddsAndRemovesVipsOnlyOnKipvs0) {
  shOk(
      "ip link add other0 type dummy && ip addr add 192.0.2.50/32 dev other0 && ip addr add 10.96.7.7/32 dev "
      "other0");
  DummyLink link;
  link.ensure();
  const auto before = link.addresses();  // other tests of this program may have left VIPs
  const auto plus = [&](std::vector<IpAddress> added) {
    added.insert(added.end(), before.begin(), before.end());
    std::sort(added.begin(), added.end());
    return added;
  };
  link.add(ip("10.96.0.1"));
  link.add(ip("fd00:96::1"));
  link.add(ip("10.96.0.1"));  // already there: fine
  EXPECT_EQ(link.addresses(), plus({ip("10.96.0.1"), ip("fd00:96::1")}));
  const auto shown = shOk("ip -o addr show dev kipvs0");
  EXPECT_TRUE(contains(shown, "inet 10.96.0.1/32")) << shown;
  EXPECT_TRUE(contains(shown, "inet6 fd00:96::1/128")) << shown;
  EXPECT_FALSE(contains(shown, "tentative")) << shown;
  // The VIPs are local addresses (IPVS sees their packets), although the link is DOWN.
  EXPECT_TRUE(contains(shOk("ip route get 10.96.0.1"), "local 10.96.0.1"))
      << sh("ip route get 10.96.0.1").output;
  EXPECT_TRUE(contains(shOk("ip -6 route show table local"), "local fd00:96::1"))
      << sh("ip -6 route show table local").output;

  link.remove(ip("192.0.2.50"));  // lives on other0: not ours, left alone
  link.remove(ip("10.96.7.7"));
  const auto other = shOk("ip -o addr show dev other0");
  EXPECT_TRUE(contains(other, "192.0.2.50/32")) << other;
  EXPECT_TRUE(contains(other, "10.96.7.7/32")) << other;

  link.remove(ip("10.96.0.1"));
  link.remove(ip("10.96.0.1"));  // already gone: fine
  EXPECT_EQ(link.addresses(), plus({ip("fd00:96::1")}));
  EXPECT_FALSE(contains(shOk("ip -o addr show dev kipvs0"), "10.96.0.1/"));
  EXPECT_TRUE(contains(shOk("ip -o link show kipvs0"), "state DOWN"));
  shOk("ip link del other0");
}

TEST(DummyLinkVm, AsAddressPortItRecreatesAKipvs0DeletedByHand) {
  DummyLink link;
  core::AddressPort& port = link;
  port.addAddress(ip("10.96.3.3"));
  shOk("ip link del kipvs0");
  EXPECT_TRUE(port.listAddresses().empty());
  port.removeAddress(ip("10.96.3.3"));  // no link, so nothing to remove: fine
  port.addAddress(ip("10.96.3.4"));     // repairs the drift
  EXPECT_EQ(port.listAddresses(), std::vector<IpAddress>{ip("10.96.3.4")});
  EXPECT_TRUE(contains(shOk("ip -o link show kipvs0"), "state DOWN"));
  port.removeAddress(ip("10.96.3.4"));
}

TEST(DummyLinkVm, RefusesALinkOfAnotherKind) {
  shOk("ip link add kipvsbad type veth peer name kipvsbad-peer");
  DummyLink link("kipvsbad");
  EXPECT_THROW(link.ensure(), std::system_error);
  EXPECT_THROW(link.add(ip("10.96.0.2")), std::system_error);
  EXPECT_FALSE(contains(shOk("ip -o addr show dev kipvsbad"), "10.96.0.2"));
  shOk("ip link del kipvsbad");
}

TEST(LocalAddressesVm, ListsNodeAddressesButNotVipsLoopbackOrLinkLocal) {
  shOk(
      "ip link add node0 type dummy && ip addr add 203.0.113.7/24 dev node0 && "
      "ip addr add 2001:db8:7::7/64 dev node0 && ip link set node0 up");
  DummyLink link;
  link.ensure();
  link.add(ip("10.96.0.9"));
  const auto all = localNodeAddresses();
  const auto has = [&](const char* text) { return std::find(all.begin(), all.end(), ip(text)) != all.end(); };
  EXPECT_TRUE(has("203.0.113.7"));
  EXPECT_TRUE(has("2001:db8:7::7"));
  EXPECT_FALSE(has("10.96.0.9"));  // on kipvs0
  EXPECT_FALSE(has("127.0.0.1"));
  EXPECT_FALSE(has("::1"));
  EXPECT_TRUE(contains(shOk("ip -o addr show dev node0"), "fe80::"));  // the kernel made one ...
  EXPECT_TRUE(
      std::none_of(all.begin(), all.end(), [](const IpAddress& a) { return a.isLinkLocal(); }));  // skipped
  const auto v4 = localNodeAddresses(core::IpFamily::V4);
  EXPECT_TRUE(
      std::all_of(v4.begin(), v4.end(), [](const IpAddress& a) { return a.family() == core::IpFamily::V4; }));
  EXPECT_NE(std::find(v4.begin(), v4.end(), ip("203.0.113.7")), v4.end());
  link.remove(ip("10.96.0.9"));
  shOk("ip link del node0");
}

TEST(SysctlsVm, SetsTheIpvsSysctlsInProcSys) {
  const Sysctls sysctls;
  const auto reuseBefore = sysctls.read("net/ipv4/vs/conn_reuse_mode");
  const auto kernel = KernelVersion::running();
  ASSERT_GE(kernel, (KernelVersion{5, 9, 0}));  // the VM runs Debian 12's 6.1
  bool hookCalled = false;
  applyKernelSettings(
      sysctls, {.strictArp = true, .ipv6Forwarding = true, .timeouts = {.tcp = 900, .tcpFin = 0, .udp = 0}},
      kernel, [&](const IpvsTimeouts&) { hookCalled = true; });
  EXPECT_TRUE(hookCalled);
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/vs/conntrack"), "1\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/vs/expire_nodest_conn"), "1\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/vs/expire_quiescent_template"), "1\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/conf/all/arp_ignore"), "1\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv4/conf/all/arp_announce"), "2\n");
  EXPECT_EQ(shOk("cat /proc/sys/net/ipv6/conf/all/forwarding"), "1\n");
  EXPECT_EQ(sysctls.read("net/ipv4/vs/conn_reuse_mode"), reuseBefore);  // fixed kernel: untouched
  EXPECT_THROW(sysctls.write("net/ipv4/vs/no_such_key", "1"), std::system_error);
}

}  // namespace
}  // namespace kipvs::host
