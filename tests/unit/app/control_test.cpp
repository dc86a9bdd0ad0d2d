// Every DaemonControl method (what D-Bus callers get) against a real Daemon over fakes, on the test's
// clock: drains that survive syncs, Explain against the snapshot actually programmed (live or restored),
// kernel reads and their failures.

#include "app/control.hpp"

#include <gtest/gtest.h>

#include <system_error>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "app_fakes.hpp"
#include "k8s/last_known_good.hpp"
#include "manual_timers.hpp"

namespace kipvs::app {
namespace {

using core::testing::endpoint;
using core::testing::ip;
using core::testing::notReady;
using core::testing::port;
using core::testing::service;
using core::testing::slice;
using core::testing::slicePort;
using std::chrono::milliseconds;

// FakeIpvs, with its listings counted and a switch that makes them fail as the socket would.
class CountingIpvs final : public core::IpvsPort {
 public:
  core::testing::FakeIpvs kernel;
  int listings = 0;
  bool fail = false;
  std::vector<core::VirtualServiceStatus> listServices() override {
    ++listings;
    if (fail) {
      throw std::system_error(EPERM, std::generic_category(), "IPVS: list virtual services");
    }
    return kernel.listServices();
  }
  std::vector<core::RealServerStatus> listRealServers(const core::VirtualServiceKey& key) override {
    return kernel.listRealServers(key);
  }
  std::vector<int> apply(const std::vector<core::IpvsOp>& ops) override { return kernel.apply(ops); }
};

core::Service web() {
  return service("web", {"10.96.0.10"}, {port(80, "http")});
}

core::EndpointSlice webSlice() {
  auto result = slice("web", {endpoint("10.244.1.5", "node-a"), notReady(endpoint("10.244.1.6", "node-a"))},
                      {slicePort(80, "http")});
  result.meta.name = "web-abc";
  result.meta.labels["kubernetes.io/service-name"] = "web";
  return result;
}

k8s::SourceEvent listed(k8s::ResourceKind kind, std::vector<k8s::Object> items) {
  k8s::ListResult list;
  list.items = std::move(items);
  list.resourceVersion = "100";
  return k8s::SourceEvent::listed(kind, std::move(list));
}

const core::VirtualServiceKey kWeb{.family = core::IpFamily::V4,
                                   .protocol = core::Protocol::Tcp,
                                   .address = ip("10.96.0.10"),
                                   .port = 80,
                                   .fwmark = 0};

class ControlTest : public ::testing::Test {
 protected:
  ControlTest() {
    config_.nodeName = "node-a";
    config_.minSyncPeriod = milliseconds(0);
    config_.restoreAfter = milliseconds(20);
    config_.stateDir = "/var/lib/kipvs-test";
  }

  void makeDaemon() {
    daemon_ = std::make_unique<Daemon>(config_, timers_,
                                       HostPorts{.ipvs = ipvs_,
                                                 .addresses = addresses_,
                                                 .conntrack = conntrack_,
                                                 .store = store_,
                                                 .nodeAddresses = nodeAddresses_,
                                                 .lastKnownGood = saved_},
                                       timers_.clock());
    control_ = std::make_unique<DaemonControl>(*daemon_, ipvs_, timers_.clock());
    daemon_->start();
  }

  void sourceLists() {
    daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
    daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice()}));
    timers_.settle();
  }

  const std::vector<core::RealServer>& kernelReals() { return ipvs_.kernel.table.at(kWeb).reals; }

  Config config_;
  testing::ManualTimers timers_;
  CountingIpvs ipvs_;
  core::testing::FakeAddresses addresses_;
  core::testing::FakeConntrack conntrack_;
  core::testing::FakeStore store_;
  core::testing::FakeStore saved_;
  testing::FakeNodeAddresses nodeAddresses_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<DaemonControl> control_;
};

TEST_F(ControlTest, ExplainGivesEachEndpointsVerdictFromTheLiveSnapshot) {
  makeDaemon();
  sourceLists();
  const auto explanation = control_->explain(kWeb);
  ASSERT_TRUE(explanation);
  EXPECT_EQ(explanation->summary, "default/web:http ClusterIP, 1 of 2 endpoints used");
  ASSERT_EQ(explanation->endpoints.size(), 2U);
  EXPECT_EQ(explanation->endpoints[0].address, ip("10.244.1.5"));
  EXPECT_TRUE(explanation->endpoints[0].included);
  EXPECT_FALSE(explanation->endpoints[1].included);
  EXPECT_NE(explanation->endpoints[1].reason, explanation->endpoints[0].reason);
  EXPECT_FALSE(control_->explain({.family = core::IpFamily::V4,
                                  .protocol = core::Protocol::Tcp,
                                  .address = ip("10.9.9.9"),
                                  .port = 1,
                                  .fwmark = 0}))
      << "not a published virtual service";
}

TEST_F(ControlTest, ExplainWhileServingTheRestoredStateExplainsThatState) {
  config_.source = SourceKind::Kubernetes;
  saved_.text = k8s::encodeLastKnownGood(core::testing::snapshot({web()}, {webSlice()}), "node-a",
                                         "2026-11-26T12:00:00Z");
  makeDaemon();
  timers_.advance(milliseconds(50));
  ASSERT_TRUE(daemon_->status().restoredFromState);
  const auto explanation = control_->explain(kWeb);
  ASSERT_TRUE(explanation);
  EXPECT_EQ(explanation->summary, "default/web:http ClusterIP, 1 of 2 endpoints used")
      << "not \"the Service is gone\": the restored snapshot is what is programmed";
  EXPECT_EQ(explanation->endpoints.size(), 2U);
}

TEST_F(ControlTest, ADrainSurvivesSyncsIsExplainedAndUndrainRestoresTheWeight) {
  makeDaemon();
  sourceLists();
  const core::DrainTarget target{.scope = core::DrainTarget::Scope::Endpoint,
                                 .service = std::nullopt,
                                 .portName = std::nullopt,
                                 .virtualKey = std::nullopt,
                                 .address = ip("10.244.1.5")};
  EXPECT_EQ(control_->drain(target), 1U);
  timers_.settle();
  control_->requestResync();
  timers_.settle();
  ASSERT_EQ(kernelReals().size(), 1U);
  EXPECT_EQ(kernelReals()[0].weight, 0) << "drained: weight 0, connections kept";
  const auto explanation = control_->explain(kWeb);
  ASSERT_TRUE(explanation);
  EXPECT_NE(explanation->endpoints[0].reason.find("drained by operator"), std::string::npos)
      << explanation->endpoints[0].reason;

  EXPECT_EQ(control_->undrain(target), 1U);
  timers_.settle();
  EXPECT_EQ(kernelReals()[0].weight, 1);
}

TEST_F(ControlTest, ADrainThatCoversNothingIsNotFoundAndChangesNothing) {
  makeDaemon();
  sourceLists();
  const core::DrainTarget target{.scope = core::DrainTarget::Scope::Endpoint,
                                 .service = std::nullopt,
                                 .portName = std::nullopt,
                                 .virtualKey = std::nullopt,
                                 .address = ip("10.244.9.9")};
  try {
    control_->drain(target);
    ADD_FAILURE() << "a typo must not look like success";
  } catch (const core::ControlError& error) {
    EXPECT_EQ(error.code(), core::ControlError::Code::NotFound);
  }
  EXPECT_TRUE(daemon_->nodeContext().drains.endpoints.empty());
}

TEST_F(ControlTest, ResyncRepairsDriftInTheKernel) {
  makeDaemon();
  sourceLists();
  ipvs_.kernel.table.clear();  // someone ran ipvsadm -C
  control_->requestResync();
  timers_.settle();
  ASSERT_TRUE(ipvs_.kernel.table.contains(kWeb));
  EXPECT_EQ(kernelReals().size(), 1U);
}

TEST_F(ControlTest, SetLogLevelChangesTheLevel) {
  makeDaemon();
  const auto before = log::level();
  control_->setLogLevel(log::Level::Debug);
  EXPECT_EQ(log::level(), log::Level::Debug);
  control_->setLogLevel(before);
  EXPECT_EQ(log::level(), before);
}

TEST_F(ControlTest, ReloadIsUnavailableUntilTheRuntimeGivesOneAndThenReturnsItsProblems) {
  makeDaemon();
  try {
    control_->reload();
    ADD_FAILURE() << "no reload wired: must say so";
  } catch (const core::ControlError& error) {
    EXPECT_EQ(error.code(), core::ControlError::Code::Unavailable);
  }
  control_->setReload([] { return std::vector<std::string>{"kipvsd.conf:3: unknown key"}; });
  EXPECT_EQ(control_->reload(), std::vector<std::string>{"kipvsd.conf:3: unknown key"});
}

TEST_F(ControlTest, ReadStatusReadsTheKernelAndAFailedReadIsUnavailable) {
  makeDaemon();
  sourceLists();
  ipvs_.kernel.setConnections(kWeb, ip("10.244.1.5"), 80, 3);
  const auto status = control_->readStatus(kWeb);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->reals.size(), 1U);
  EXPECT_EQ(status->reals[0].activeConnections, 3U);
  EXPECT_FALSE(control_->readStatus({.family = core::IpFamily::V4,
                                     .protocol = core::Protocol::Udp,
                                     .address = ip("10.96.0.10"),
                                     .port = 80,
                                     .fwmark = 0}));
  ipvs_.fail = true;
  try {
    control_->readStatus(kWeb);
    ADD_FAILURE() << "a failed kernel read must be an error";
  } catch (const core::ControlError& error) {
    EXPECT_EQ(error.code(), core::ControlError::Code::Unavailable);
    EXPECT_NE(std::string(error.what()).find("IPVS: list virtual services"), std::string::npos);
  }
}

TEST_F(ControlTest, ReadAllStatsIsOneKernelDumpPerSecond) {
  makeDaemon();
  sourceLists();
  const auto before = ipvs_.listings;
  const auto first = control_->readAllStats();
  EXPECT_EQ(first.size(), 1U);
  EXPECT_TRUE(first.contains(kWeb));
  timers_.clock().advance(milliseconds(500));
  EXPECT_EQ(control_->readAllStats(), first);
  EXPECT_EQ(ipvs_.listings, before + 1) << "served from the cache within a second";
  timers_.clock().advance(milliseconds(600));
  control_->readAllStats();
  EXPECT_EQ(ipvs_.listings, before + 2);
  ipvs_.fail = true;
  timers_.clock().advance(milliseconds(1100));
  EXPECT_THROW(control_->readAllStats(), core::ControlError);
}

}  // namespace
}  // namespace kipvs::app
