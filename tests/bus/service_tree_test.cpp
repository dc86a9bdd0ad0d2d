// The virtual services are one sd-bus fallback vtable plus a node enumerator (bus/service_tree.hpp):
// every published key resolves from its path, anything else is UnknownObject, changes and removals
// reach clients as before, and many services list and resolve through sdbus-c++, busctl and gdbus.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "bus/wire.hpp"
#include "clients.hpp"
#include "dbus/bus_names.hpp"
#include "known_state.hpp"
#include "private_bus.hpp"
#include "process.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kUnknownObject = "org.freedesktop.DBus.Error.UnknownObject";

std::string errorName(const std::function<void()>& call) {
  try {
    call();
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
  return "no error";
}

std::size_t countLines(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    n += line.starts_with(prefix) ? 1 : 0;
  }
  return n;
}

std::string apiPath() {
  return bus::servicePath(tcpKey("10.96.0.1", 443));
}

TEST(ServiceTree, ThousandsOfServicesEachResolveFromTheirPath) {
  constexpr std::size_t kServices = 3000;
  PrivateBus bus;
  TestServer server(bus.address(), syntheticState(kServices, 3));
  ManagerClient manager(bus.address());
  EXPECT_EQ(manager.VirtualServiceCount(), kServices);
  EXPECT_EQ(manager.RealServerCount(), kServices * 3);
  EXPECT_EQ(manager.GetManagedObjects().size(), kServices);
  const auto tree = runProcess({"busctl", "--address=" + bus.address(), "tree", "--list", dbus::kBusName});
  ASSERT_EQ(tree.exitCode, 0) << tree.err;
  EXPECT_EQ(countLines(tree.out, std::string(dbus::kServicePathPrefix) + "/"), kServices);
  // First, last and one in between (10.100.x.y:80 for service i: x = i / 256, y = i % 256).
  for (const std::size_t i : {std::size_t{0}, std::size_t{1234}, kServices - 1}) {
    const auto vip = "10.100." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    ServiceClient client(bus.address(), bus::servicePath(tcpKey(vip.c_str(), 80)));
    EXPECT_EQ(client.Key(), "TCP " + vip + ":80");
    EXPECT_EQ(client.Name(), "svc-" + std::to_string(i));
    EXPECT_EQ(client.RealServers().size(), 3U);
  }
  const auto get = runProcess({"busctl", "--address=" + bus.address(), "get-property", dbus::kBusName,
                               bus::servicePath(tcpKey("10.100.11.183", 80)),
                               "org.kipvs.Proxy1.VirtualService", "Namespace", "Name"});
  EXPECT_EQ(get.out, "s \"scale\"\ns \"svc-2999\"\n") << get.err;
}

TEST(ServiceTree, PathsOfNoPublishedServiceAreUnknownObjects) {
  PrivateBus bus;
  TestServer server(bus.address(), knownState());
  const std::string prefix = dbus::kServicePathPrefix;
  for (const auto& path : {
           bus::servicePath(tcpKey("10.96.0.99", 443)),    // a key, not published
           prefix + "/nope",                               // not a key
           prefix + "/TCP_20_5bfd00_3a0_3a_3a20_5d_3a80",  // "TCP [fd00:0::20]:80": published, not canonical
           apiPath() + "/deeper",                          // below a service
       }) {
    ServiceClient client(bus.address(), path);
    EXPECT_EQ(errorName([&] { client.Key(); }), kUnknownObject) << path;
    EXPECT_EQ(errorName([&] { client.GetStats(); }), kUnknownObject) << path;
    EXPECT_EQ(errorName([&] { client.GetAll("org.kipvs.Proxy1.VirtualService"); }), kUnknownObject) << path;
  }
  ServiceClient api(bus.address(), apiPath());
  EXPECT_EQ(api.Key(), "TCP 10.96.0.1:443");  // the server is unharmed
}

TEST(ServiceTree, PropertiesChangedCarriesOnlyWhatTheContractShows) {
  PrivateBus bus;
  TestServer server(bus.address(), knownState());
  ServiceClient api(bus.address(), apiPath());
  auto state = knownState();
  auto& value = state.services.at(tcpKey("10.96.0.1", 443));
  value.reals.front().server.weight = 5;
  value.problem = "a problem";
  auto changes = server.publish(state, {.finishedUsec = 2});
  EXPECT_EQ(changes.changed, 1U);
  EXPECT_TRUE(api.events.waitFor("PropertiesChanged org.kipvs.Proxy1.VirtualService Problem,RealServers"));
  EXPECT_EQ(std::get<2>(api.RealServers().front()), 5);
  EXPECT_EQ(api.Problem(), "a problem");
  // Netmask and the bound-address choice are not in the contract: no signal, not counted.
  value.service.netmask = 0xffffff00;
  value.bindAddress = false;
  changes = server.publish(state, {.finishedUsec = 3});
  EXPECT_EQ(changes.changed, 0U);
  // A visible change after it: its signal arrives after any the previous publish might have sent.
  value.origin.portName = "web";
  EXPECT_EQ(server.publish(state, {.finishedUsec = 4}).changed, 1U);
  EXPECT_TRUE(api.events.waitFor("PropertiesChanged org.kipvs.Proxy1.VirtualService PortName"));
  EXPECT_EQ(api.events.lines().size(), 2U);
}

TEST(ServiceTree, RemovalUnpublishesAndAddingAgainPublishes) {
  PrivateBus bus;
  TestServer server(bus.address(), knownState());
  ManagerClient manager(bus.address());
  ServiceClient api(bus.address(), apiPath());
  auto without = knownState();
  without.services.erase(tcpKey("10.96.0.1", 443));
  EXPECT_EQ(server.publish(without, {.finishedUsec = 2}).removed, 1U);
  EXPECT_TRUE(manager.events.waitFor("InterfacesRemoved " + apiPath() + " org.kipvs.Proxy1.VirtualService"));
  EXPECT_EQ(errorName([&] { api.Key(); }), kUnknownObject);
  EXPECT_EQ(manager.GetManagedObjects().size(), 2U);
  EXPECT_EQ(manager.ListVirtualServices().size(), 2U);
  EXPECT_EQ(manager.RealServerCount(), 2U);
  auto tree = runProcess({"busctl", "--address=" + bus.address(), "tree", "--list", dbus::kBusName});
  EXPECT_THAT(tree.out, Not(HasSubstr(apiPath())));

  EXPECT_EQ(server.publish(knownState(), {.finishedUsec = 3}).added, 1U);
  EXPECT_TRUE(manager.events.waitFor("InterfacesAdded " + apiPath() +
                                     " org.kipvs.Proxy1.VirtualService TCP 10.96.0.1:443"));
  EXPECT_EQ(api.Name(), "kubernetes");
  EXPECT_EQ(manager.RealServerCount(), 4U);
  tree = runProcess({"busctl", "--address=" + bus.address(), "tree", "--list", dbus::kBusName});
  EXPECT_THAT(tree.out, HasSubstr(apiPath()));
}

// After an incremental sync the daemon names the keys it touched: only those are compared and
// signalled, and a later full publish (no keys) catches up with everything else.
TEST(ServiceTree, AnIncrementalPublishComparesOnlyTheTouchedKeys) {
  PrivateBus bus;
  TestServer server(bus.address(), knownState());
  ManagerClient manager(bus.address());
  ServiceClient api(bus.address(), apiPath());
  const auto shopPath = bus::servicePath(tcpKey("fd00::20", 80));
  const auto newKey = tcpKey("10.96.0.50", 8080);
  auto state = knownState();
  state.services.at(tcpKey("10.96.0.1", 443)).reals.front().server.weight = 7;
  state.services.at(tcpKey("fd00::20", 80)).service.scheduler = "mh";  // not touched: not seen yet
  auto added = state.services.at(tcpKey("10.96.0.1", 443));
  added.service.key = newKey;
  state.services.emplace(newKey, added);
  const std::set<core::VirtualServiceKey> touched{tcpKey("10.96.0.1", 443), newKey, tcpKey("10.96.9.9", 1)};
  auto changes = server.publish(state, {.finishedUsec = 2}, &touched);
  EXPECT_EQ(changes.added, 1U);
  EXPECT_EQ(changes.changed, 1U);
  EXPECT_EQ(changes.removed, 0U);
  EXPECT_TRUE(manager.events.waitFor("ServiceChanged changed TCP 10.96.0.1:443 " + apiPath()));
  EXPECT_TRUE(manager.events.waitFor("ServiceChanged added TCP 10.96.0.50:8080 " + bus::servicePath(newKey)));
  EXPECT_EQ(std::get<2>(api.RealServers().front()), 7);
  EXPECT_EQ(manager.VirtualServiceCount(), 4U);

  const std::set<core::VirtualServiceKey> none;
  EXPECT_EQ(server.publish(state, {.finishedUsec = 3}, &none).changed, 0U);
  changes = server.publish(state, {.finishedUsec = 4});  // full: the untouched change shows now
  EXPECT_EQ(changes.changed, 1U);
  EXPECT_EQ(changes.added + changes.removed, 0U);
  EXPECT_TRUE(manager.events.waitFor("ServiceChanged changed TCP [fd00::20]:80 " + shopPath));

  auto without = state;
  without.services.erase(newKey);
  const std::set<core::VirtualServiceKey> gone{newKey};
  EXPECT_EQ(server.publish(without, {.finishedUsec = 5}, &gone).removed, 1U);
  EXPECT_TRUE(
      manager.events.waitFor("ServiceChanged removed TCP 10.96.0.50:8080 " + bus::servicePath(newKey)));
  EXPECT_EQ(manager.VirtualServiceCount(), 3U);
  EXPECT_EQ(manager.RealServerCount(), 4U);
}

TEST(ServiceTree, IntrospectionOfTheServicesNodeListsEveryChild) {
  PrivateBus bus;
  TestServer server(bus.address(), knownState());
  const auto r = runProcess({"gdbus", "introspect", "--address", bus.address(), "--dest", dbus::kBusName,
                             "--object-path", dbus::kServicePathPrefix});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("node TCP_2010_2e96_2e0_2e1_3a443"));
  EXPECT_THAT(r.out, HasSubstr("node UDP_2010_2e96_2e0_2e10_3a53"));
  EXPECT_THAT(r.out, HasSubstr("node TCP_20_5bfd00_3a_3a20_5d_3a80"));
  EXPECT_THAT(r.out, Not(HasSubstr("interface org.kipvs.Proxy1.VirtualService")));  // not an object
}

}  // namespace
}  // namespace kipvs::test
