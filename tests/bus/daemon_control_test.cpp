// D-Bus answers produced by the real control path: a Daemon over fakes, synced from a snapshot, its
// app::DaemonControl behind the publisher on a private dbus-daemon, called through the generated proxy.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../unit/app/app_fakes.hpp"
#include "../unit/app/manual_timers.hpp"
#include "../unit/core/core_fixtures.hpp"
#include "../unit/core/fakes.hpp"
#include "app/control.hpp"
#include "app/daemon.hpp"
#include "bus/wire.hpp"
#include "clients.hpp"
#include "dbus/bus_names.hpp"
#include "private_bus.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using core::testing::endpoint;
using core::testing::notReady;
using core::testing::port;
using core::testing::service;
using core::testing::slice;
using core::testing::slicePort;

k8s::SourceEvent listed(k8s::ResourceKind kind, std::vector<k8s::Object> items) {
  k8s::ListResult list;
  list.items = std::move(items);
  list.resourceVersion = "100";
  return k8s::SourceEvent::listed(kind, std::move(list));
}

class DaemonControlOverTheBus : public ::testing::Test {
 protected:
  DaemonControlOverTheBus() {
    config_.nodeName = "node-a";
    config_.minSyncPeriod = std::chrono::milliseconds(0);
    daemon_.start();
    auto web = slice("web", {endpoint("10.244.1.5", "node-a"), notReady(endpoint("10.244.1.6", "node-b"))},
                     {slicePort(80, "http")});
    daemon_.handle(listed(k8s::ResourceKind::Service, {service("web", {"10.96.0.10"}, {port(80, "http")})}));
    daemon_.handle(listed(k8s::ResourceKind::EndpointSlice, {web}));
    timers_.settle();
  }

  app::Config config_;
  app::testing::ManualTimers timers_;
  core::testing::FakeIpvs ipvs_;
  core::testing::FakeAddresses addresses_;
  core::testing::FakeConntrack conntrack_;
  core::testing::FakeStore store_;
  core::testing::FakeStore lastKnownGood_;
  app::testing::FakeNodeAddresses nodeAddresses_;
  app::Daemon daemon_{config_, timers_,
                      app::HostPorts{.ipvs = ipvs_,
                                     .addresses = addresses_,
                                     .conntrack = conntrack_,
                                     .store = store_,
                                     .nodeAddresses = nodeAddresses_,
                                     .lastKnownGood = lastKnownGood_},
                      timers_.clock()};
  app::DaemonControl control_{daemon_, ipvs_, timers_.clock()};
};

TEST_F(DaemonControlOverTheBus, ExplainAnswersWithTheDaemonsOwnVerdicts) {
  ASSERT_EQ(ipvs_.table.size(), 1U);
  PrivateBus bus;
  // The daemon is only read while the test thread waits in the call (the server thread answers).
  TestServer server(bus.address(), daemon_.reconciler().desired(), &control_);
  ManagerClient manager(bus.address());

  const auto [key, summary, endpoints] = manager.Explain("10.96.0.10", 80, "TCP");
  EXPECT_EQ(key, "TCP 10.96.0.10:80");
  EXPECT_EQ(summary, "default/web:http ClusterIP, 1 of 2 endpoints used");
  ASSERT_EQ(endpoints.size(), 2U);
  EXPECT_EQ(std::get<0>(endpoints[0]), "10.244.1.5");
  EXPECT_TRUE(std::get<4>(endpoints[0]));
  EXPECT_EQ(std::get<0>(endpoints[1]), "10.244.1.6");
  EXPECT_EQ(std::get<3>(endpoints[1]), "node-b");
  EXPECT_FALSE(std::get<4>(endpoints[1]));
  try {
    manager.Explain("10.96.0.10", 81, "TCP");
    ADD_FAILURE() << "no such virtual service";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), dbus::kErrorNotFound);
  }
}

}  // namespace
}  // namespace kipvs::test
