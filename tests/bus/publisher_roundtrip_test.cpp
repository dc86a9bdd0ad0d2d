// Every method, property and signal of the contract through real sdbus-c++ on both ends of a private
// dbus-daemon: the publisher (over a fake ControlPort) against the generated proxies.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bus/wire.hpp"
#include "clients.hpp"
#include "dbus/bus_names.hpp"
#include "known_state.hpp"
#include "private_bus.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PublisherRoundTrip : public ::testing::Test {
 protected:
  PrivateBus bus_;
  TestServer server_{bus_.address(), knownState()};
  ManagerClient manager_{bus_.address()};

  std::string errorName(const std::function<void()>& call) {
    try {
      call();
    } catch (const sdbus::Error& e) {
      return e.getName();
    }
    return "no error";
  }
};

const std::string kApiPath = bus::servicePath(tcpKey("10.96.0.1", 443));

TEST_F(PublisherRoundTrip, ManagerPropertiesShowStatusAndCounts) {
  EXPECT_EQ(manager_.Version(), dbus::kVersion);
  EXPECT_EQ(manager_.NodeName(), "node-a");
  EXPECT_EQ(manager_.Source(), "kubernetes");
  EXPECT_EQ(manager_.ApiServer(), "https://127.0.0.1:6443");
  EXPECT_TRUE(manager_.Connected());
  EXPECT_EQ(manager_.SyncState(), "synced");
  EXPECT_EQ(manager_.LastSyncUsec(), 1700000000000000U);
  EXPECT_EQ(manager_.LastError(), "");
  EXPECT_EQ(manager_.VirtualServiceCount(), 3U);
  EXPECT_EQ(manager_.RealServerCount(), 4U);
  EXPECT_EQ(manager_.ResourceVersion(), "4711");
}

TEST_F(PublisherRoundTrip, ListVirtualServicesReturnsEveryServiceInKeyOrder) {
  const auto list = manager_.ListVirtualServices();
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(std::get<1>(list[0]), "TCP 10.96.0.1:443");
  EXPECT_EQ(std::get<1>(list[1]), "UDP 10.96.0.10:53");  // IPv4 before IPv6, then protocol, address
  EXPECT_EQ(std::get<1>(list[2]), "TCP [fd00::20]:80");
  const auto& api = list[0];
  EXPECT_EQ(std::string(std::get<0>(api)), kApiPath);
  EXPECT_EQ(std::get<2>(api), "default");
  EXPECT_EQ(std::get<3>(api), "kubernetes");
  EXPECT_EQ(std::get<4>(api), "https");
  EXPECT_EQ(std::get<5>(api), "ClusterIP");
  EXPECT_EQ(std::get<6>(api), "TCP");
  EXPECT_EQ(std::get<7>(api), "10.96.0.1");
  EXPECT_EQ(std::get<8>(api), 443);
  EXPECT_EQ(std::get<10>(api), "rr");
  const auto& reals = std::get<14>(api);
  ASSERT_EQ(reals.size(), 2U);
  EXPECT_EQ(reals[1], (bus::RealServerWire{"192.168.1.11", 6443, 0, "Masq", "", "node-b", true, true, false,
                                           false, true}));
  const auto& shop = list[2];
  EXPECT_THAT(std::get<11>(shop), ElementsAre("persistent"));
  EXPECT_EQ(std::get<12>(shop), 10800U);
  EXPECT_EQ(std::get<13>(shop), "loadBalancerSourceRanges ignored for IPv6");
  EXPECT_EQ(std::get<14>(shop)[0], (bus::RealServerWire{"fd00:244::7", 8080, 0, "Masq", "shop-0", "node-a",
                                                        false, true, true, true, false}));
}

TEST_F(PublisherRoundTrip, GetVirtualServiceFindsByKeyAndNamesErrors) {
  const auto dns = manager_.GetVirtualService("UDP 10.96.0.10:53");
  EXPECT_EQ(std::get<3>(dns), "kube-dns");
  EXPECT_EQ(errorName([&] { manager_.GetVirtualService("TCP 10.1.2.3:80"); }), dbus::kErrorNotFound);
  EXPECT_EQ(errorName([&] { manager_.GetVirtualService("not a key"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.GetVirtualService("TCP 10.96.0.1:99999"); }),
            dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.GetVirtualService(""); }), dbus::kErrorInvalidArgument);
}

TEST_F(PublisherRoundTrip, ChildPropertiesMatchTheState) {
  ServiceClient api(bus_.address(), kApiPath);
  EXPECT_EQ(api.Key(), "TCP 10.96.0.1:443");
  EXPECT_EQ(api.Namespace(), "default");
  EXPECT_EQ(api.Name(), "kubernetes");
  EXPECT_EQ(api.PortName(), "https");
  EXPECT_EQ(api.Kind(), "ClusterIP");
  EXPECT_EQ(api.Protocol(), "TCP");
  EXPECT_EQ(api.Address(), "10.96.0.1");
  EXPECT_EQ(api.Port(), 443);
  EXPECT_EQ(api.Fwmark(), 0U);
  EXPECT_EQ(api.Scheduler(), "rr");
  EXPECT_TRUE(api.Flags().empty());
  EXPECT_EQ(api.PersistenceTimeout(), 0U);
  EXPECT_EQ(api.Problem(), "");
  EXPECT_EQ(api.RealServers().size(), 2U);
  EXPECT_EQ(api.GetAll(org::kipvs::Proxy1::VirtualService_proxy::INTERFACE_NAME).size(), 14U);
}

TEST_F(PublisherRoundTrip, GetStatsReadsTheControlPortOnDemand) {
  ServiceClient api(bus_.address(), kApiPath);
  const auto [service, reals] = api.GetStats();
  EXPECT_EQ(service, bus::toWire(knownStats(42)));
  ASSERT_EQ(reals.size(), 1U);
  EXPECT_EQ(std::get<2>(reals[0]), 7U);
  EXPECT_EQ(std::get<3>(reals[0]), 3U);
  ServiceClient shop(bus_.address(), bus::servicePath(tcpKey("fd00::20", 80)));
  EXPECT_EQ(errorName([&] { shop.GetStats(); }), dbus::kErrorUnavailable);  // kernel lacks it
  server_.control().setKernelUnavailable(true);
  EXPECT_EQ(errorName([&] { api.GetStats(); }), dbus::kErrorUnavailable);
  EXPECT_EQ(errorName([&] { manager_.GetStatistics(); }), dbus::kErrorUnavailable);
}

TEST_F(PublisherRoundTrip, GetStatisticsListsOnlyPublishedServices) {
  const auto all = manager_.GetStatistics();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(std::get<0>(all[0]), "TCP 10.96.0.1:443");
  EXPECT_EQ(std::get<1>(all[0]), bus::toWire(knownStats(42)));
}

TEST_F(PublisherRoundTrip, ExplainReturnsVerdictsAndNamesErrors) {
  const auto [key, summary, endpoints] = manager_.Explain("10.96.0.1", 443, "TCP");
  EXPECT_EQ(key, "TCP 10.96.0.1:443");
  EXPECT_THAT(summary, HasSubstr("externalTrafficPolicy=Cluster"));
  ASSERT_EQ(endpoints.size(), 2U);
  EXPECT_EQ(endpoints[1],
            (bus::VerdictWire{"192.168.1.11", 6443, "", "node-b", false, "drained by operator"}));
  EXPECT_EQ(errorName([&] { manager_.Explain("10.96.0.10", 53, "UDP"); }),
            dbus::kErrorNotFound);  // fake: none
  EXPECT_EQ(errorName([&] { manager_.Explain("10.9.9.9", 1, "TCP"); }), dbus::kErrorNotFound);
  EXPECT_EQ(errorName([&] { manager_.Explain("10.96.0.1", 443, "ICMP"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Explain("300.1.1.1", 443, "TCP"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Explain("10.96.0.1", 0, "TCP"); }), dbus::kErrorInvalidArgument);
}

TEST_F(PublisherRoundTrip, ActionsReachTheControlPortDecoded) {
  manager_.Resync();
  EXPECT_EQ(manager_.Drain("node", ""), 2U);
  EXPECT_EQ(manager_.Drain("service", "default/kubernetes:https"), 2U);
  EXPECT_EQ(manager_.Drain("service", "TCP 10.96.0.1:443"), 2U);
  EXPECT_EQ(manager_.Undrain("endpoint", "fd00:244::7"), 1U);
  EXPECT_EQ(manager_.Undrain("endpoint", "10.244.1.5"), 1U);
  manager_.SetLogLevel("debug");
  const auto calls = server_.control().calls();
  EXPECT_EQ(calls.resyncs, 1);
  ASSERT_EQ(calls.drains.size(), 3U);
  EXPECT_EQ(calls.drains[0].scope, core::DrainTarget::Scope::Node);
  EXPECT_EQ(calls.drains[1].service, (core::ObjectKey{"default", "kubernetes"}));
  EXPECT_EQ(calls.drains[1].portName, "https");
  EXPECT_EQ(calls.drains[2].virtualKey, tcpKey("10.96.0.1", 443));
  ASSERT_EQ(calls.undrains.size(), 2U);
  EXPECT_EQ(calls.undrains[0].address, ip("fd00:244::7"));
  EXPECT_EQ(calls.undrains[1].address, ip("10.244.1.5"));
  EXPECT_THAT(calls.logLevels, ElementsAre(log::Level::Debug));
}

TEST_F(PublisherRoundTrip, MalformedActionArgumentsGetNamedErrors) {
  EXPECT_EQ(errorName([&] { manager_.Drain("galaxy", ""); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Drain("node", "node-b"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Drain("service", "no-slash"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Drain("service", "ns/"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Drain("endpoint", "10.0.0.1:80"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Undrain("endpoint", "[fd00::1"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.SetLogLevel("loud"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorName([&] { manager_.Drain("service", "default/missing"); }), dbus::kErrorNotFound);
  EXPECT_EQ(server_.control().calls().logLevels.size(), 0U);
}

TEST_F(PublisherRoundTrip, ManagedObjectsAreTheChildrenWithAllProperties) {
  const auto objects = manager_.GetManagedObjects();
  ASSERT_EQ(objects.size(), 3U);
  const auto& api = objects.at(sdbus::ObjectPath(kApiPath));
  const auto& props = api.at(org::kipvs::Proxy1::VirtualService_proxy::INTERFACE_NAME);
  EXPECT_EQ(props.at("Name").get<std::string>(), "kubernetes");
  EXPECT_EQ(props.at("Port").get<std::uint16_t>(), 443);
}

TEST_F(PublisherRoundTrip, PublishingAChangeSignalsAddRemoveChangeAndSync) {
  const auto shopPath = bus::servicePath(tcpKey("fd00::20", 80));
  const auto dnsPath = bus::servicePath({.family = core::IpFamily::V4,
                                         .protocol = core::Protocol::Udp,
                                         .address = ip("10.96.0.10"),
                                         .port = 53});
  const auto newPath = bus::servicePath(tcpKey("10.96.0.50", 8080));
  ServiceClient shop(bus_.address(), shopPath);
  const auto changes =
      server_.publish(changedState(), {.finishedUsec = 1700000000000001, .durationUsec = 20, .failedOps = 1});
  EXPECT_EQ(changes.added, 1U);
  EXPECT_EQ(changes.removed, 1U);
  EXPECT_EQ(changes.changed, 1U);
  auto& log = manager_.events;
  EXPECT_TRUE(log.waitFor("InterfacesRemoved " + dnsPath + " org.kipvs.Proxy1.VirtualService"));
  EXPECT_TRUE(
      log.waitFor("InterfacesAdded " + newPath + " org.kipvs.Proxy1.VirtualService TCP 10.96.0.50:8080"));
  EXPECT_TRUE(log.waitFor("ServiceChanged removed UDP 10.96.0.10:53 " + dnsPath));
  EXPECT_TRUE(log.waitFor("ServiceChanged added TCP 10.96.0.50:8080 " + newPath));
  EXPECT_TRUE(log.waitFor("ServiceChanged changed TCP [fd00::20]:80 " + shopPath));
  EXPECT_TRUE(log.waitFor("PropertiesChanged org.kipvs.Proxy1.Manager LastSyncUsec"));
  EXPECT_TRUE(log.waitFor("SyncCompleted 1700000000000001 20 +1 -1 ~1 !1"));
  EXPECT_TRUE(shop.events.waitFor("PropertiesChanged org.kipvs.Proxy1.VirtualService Scheduler"));
  EXPECT_EQ(shop.Scheduler(), "mh");
  EXPECT_EQ(manager_.VirtualServiceCount(), 3U);
  EXPECT_EQ(manager_.GetManagedObjects().size(), 3U);
  EXPECT_EQ(errorName([&] { manager_.GetVirtualService("UDP 10.96.0.10:53"); }), dbus::kErrorNotFound);
}

TEST_F(PublisherRoundTrip, PublishingTheSameStateTwiceSignalsOnlySync) {
  const auto changes =
      server_.publish(knownState(), {.finishedUsec = 1700000000000000, .durationUsec = 7, .failedOps = 0});
  EXPECT_EQ(changes.added + changes.removed + changes.changed, 0U);
  EXPECT_TRUE(manager_.events.waitFor("SyncCompleted 1700000000000000 7 +0 -0 ~0 !0"));
  for (const auto& line : manager_.events.lines()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("Changed ")));
  }
}

TEST_F(PublisherRoundTrip, StatusChangesEmitPropertiesChangedForWhatChanged) {
  auto status = knownStatus();
  status.connected = false;
  status.syncState = core::SyncState::Stale;
  status.lastError = "watch: connection refused";
  server_.run([&](bus::SdbusPublisher& p) { p.setStatus(status); });
  EXPECT_TRUE(
      manager_.events.waitFor("PropertiesChanged org.kipvs.Proxy1.Manager Connected,LastError,SyncState"));
  EXPECT_EQ(manager_.SyncState(), "stale");
  EXPECT_EQ(manager_.LastError(), "watch: connection refused");
}

}  // namespace
}  // namespace kipvs::test
