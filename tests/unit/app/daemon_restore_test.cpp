// The daemon at boot without an API server (rule 3 in daemon/README.md): the last-known-good state is
// restored after the grace period and replaced, through the normal diff, when the API server syncs. Also the
// IPv6 forwarding decision. Fakes for the host, a real event loop.

#include <gtest/gtest.h>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "app/control.hpp"
#include "app/daemon.hpp"
#include "app/ipv6_forwarding.hpp"
#include "app_fakes.hpp"
#include "k8s/last_known_good.hpp"
#include "manual_timers.hpp"

namespace kipvs::app {
namespace {

using core::testing::endpoint;
using core::testing::ip;
using core::testing::port;
using core::testing::service;
using core::testing::slice;
using core::testing::slicePort;
using std::chrono::milliseconds;

core::Service web() {
  return service("web", {"10.96.0.10"}, {port(80, "http")});
}

core::EndpointSlice webSlice(std::vector<core::Endpoint> endpoints) {
  auto result = slice("web", std::move(endpoints), {slicePort(80, "http")});
  result.meta.name = "web-abc";
  result.meta.resourceVersion = "101";
  result.meta.labels["kubernetes.io/service-name"] = "web";  // as the API server delivers it
  return result;
}

core::Node nodeA() {
  core::Node node;
  node.meta.name = "node-a";
  node.meta.resourceVersion = "7";
  return node;
}

k8s::SourceEvent listed(k8s::ResourceKind kind, std::vector<k8s::Object> items) {
  k8s::ListResult list;
  list.items = std::move(items);
  list.resourceVersion = "100";
  return k8s::SourceEvent::listed(kind, std::move(list));
}

class DaemonRestoreTest : public ::testing::Test {
 protected:
  DaemonRestoreTest() {
    config_.source = SourceKind::Kubernetes;
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
    daemon_->addListener(ipv6Forwarding_);
    daemon_->addListener(statusLine_);
    daemon_->start();
  }

  // The state saved on a previous run: web with one endpoint.
  void saveLastKnownGood(const std::string& nodeName = "node-a") {
    auto snapshot = core::testing::snapshot({web()}, {webSlice({endpoint("10.244.1.5", "node-a")})});
    snapshot.node = nodeA();
    saved_.text = k8s::encodeLastKnownGood(snapshot, nodeName, "2026-11-26T12:00:00Z");
  }

  // The API server answers: web now has a second endpoint.
  void apiLists() {
    daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
    daemon_->handle(listed(k8s::ResourceKind::EndpointSlice,
                           {webSlice({endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")})}));
    daemon_->handle(listed(k8s::ResourceKind::Node, {nodeA()}));
  }

  // 100 ms of the test's clock: the daemon's timers never wait on the wall clock.
  void settle() { timers_.advance(milliseconds(100)); }

  Config config_;
  testing::ManualTimers timers_;
  core::testing::FakeIpvs ipvs_;
  core::testing::FakeAddresses addresses_;
  core::testing::FakeConntrack conntrack_;
  core::testing::FakeStore store_;
  core::testing::FakeStore saved_;
  testing::FakeNodeAddresses nodeAddresses_;
  testing::FakeForwarding forwarding_;
  testing::RecordedAnnouncements announcements_;
  Ipv6Forwarding ipv6Forwarding_{forwarding_};
  StatusLine statusLine_{announcements_};
  std::unique_ptr<Daemon> daemon_;
  const std::vector<std::string>& readyLines_ = announcements_.readyLines;
  const std::vector<std::string>& statusLines_ = announcements_.statusLines;
  const int& ipv6Enables_ = forwarding_.enables;
};

TEST_F(DaemonRestoreTest, WithoutAnApiServerTheLastKnownGoodStateIsProgrammedAndStale) {
  saveLastKnownGood();
  makeDaemon();
  settle();
  ASSERT_EQ(ipvs_.table.size(), 1U);
  EXPECT_EQ(ipvs_.table.begin()->second.reals.size(), 1U);
  EXPECT_TRUE(addresses_.addresses.contains(ip("10.96.0.10")));
  EXPECT_TRUE(daemon_->status().ready);
  EXPECT_TRUE(daemon_->status().restoredFromState);
  EXPECT_EQ(agentStatusOf(*daemon_).syncState, core::SyncState::Stale);
  ASSERT_EQ(readyLines_.size(), 1U);
  EXPECT_EQ(
      readyLines_[0],
      "stale: restored last-known-good state from /var/lib/kipvs-test/last-known-good.json (1 services, "
      "saved 2026-11-26T12:00:00Z); API server unreachable");
  EXPECT_EQ(saved_.saves, 0) << "a restored state is never saved back";
}

TEST_F(DaemonRestoreTest, TheApiServerSyncingLaterAppliesOnlyTheDifference) {
  saveLastKnownGood();
  makeDaemon();
  settle();
  ASSERT_TRUE(daemon_->status().restoredFromState);
  ipvs_.log.clear();
  addresses_.log.clear();

  apiLists();
  settle();
  ASSERT_EQ(ipvs_.log.size(), 1U) << "no flush, no re-add: only the new endpoint";
  EXPECT_EQ(ipvs_.log[0].rfind("add-real", 0), 0U) << ipvs_.log[0];
  EXPECT_TRUE(addresses_.log.empty());
  EXPECT_FALSE(daemon_->status().restoredFromState);
  EXPECT_EQ(agentStatusOf(*daemon_).syncState, core::SyncState::Synced);
  EXPECT_EQ(readyLines_.size(), 1U) << "READY=1 is sent once";
  EXPECT_EQ(statusLines_,
            (std::vector<std::string>{"stale: restored last-known-good state from "
                                      "/var/lib/kipvs-test/last-known-good.json (1 services, saved "
                                      "2026-11-26T12:00:00Z); the API server has not synced yet",
                                      "synced: 1 virtual services"}))
      << "connected first, then synced";

  ASSERT_EQ(saved_.saves, 1) << "the API's snapshot is the new last-known-good state";
  const auto saved = k8s::decodeLastKnownGood(*saved_.text);
  EXPECT_EQ(saved.nodeName, "node-a");
  EXPECT_EQ(saved.snapshot, daemon_->snapshot());
}

TEST_F(DaemonRestoreTest, StatusLineFollowsTheApiServerGoingAwayAndComingBack) {
  makeDaemon();
  apiLists();
  settle();
  ASSERT_EQ(readyLines_, std::vector<std::string>{"synced: 1 virtual services"});
  daemon_->handle(k8s::SourceEvent::failure(k8s::ResourceKind::Service, k8s::FailureReason::ConnectionFailure,
                                            "connection refused"));
  daemon_->handle(k8s::SourceEvent::failure(k8s::ResourceKind::EndpointSlice,
                                            k8s::FailureReason::ConnectionFailure, "connection refused"));
  settle();
  apiLists();
  settle();
  EXPECT_EQ(statusLines_, (std::vector<std::string>{
                              "stale: API server unreachable; keeping the last synced state (1 virtual "
                              "services)",
                              "synced: 1 virtual services"}))
      << "one line per change, none repeated";
  EXPECT_EQ(readyLines_.size(), 1U);
}

TEST_F(DaemonRestoreTest, AnApiServerThatSyncsInTimeIsNeverOverriddenByTheFile) {
  saveLastKnownGood();
  config_.restoreAfter = milliseconds(50);
  makeDaemon();
  apiLists();
  settle();
  settle();
  ASSERT_EQ(ipvs_.table.size(), 1U);
  EXPECT_EQ(ipvs_.table.begin()->second.reals.size(), 2U);
  EXPECT_FALSE(daemon_->status().restoredFromState);
  EXPECT_EQ(readyLines_, std::vector<std::string>{"synced: 1 virtual services"});
}

TEST_F(DaemonRestoreTest, ACorruptFileIsRefusedAndTheDaemonKeepsWaiting) {
  saveLastKnownGood();
  saved_.text->resize(saved_.text->size() / 2);
  makeDaemon();
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_FALSE(daemon_->status().ready);
  EXPECT_FALSE(daemon_->status().restoredFromState);
  EXPECT_EQ(agentStatusOf(*daemon_).syncState, core::SyncState::Starting);

  apiLists();
  settle();
  EXPECT_TRUE(daemon_->status().ready) << "the API server still brings the daemon up";
  EXPECT_EQ(ipvs_.table.size(), 1U);
}

TEST_F(DaemonRestoreTest, AFileSavedOnAnotherNodeIsRefused) {
  saveLastKnownGood("node-b");
  makeDaemon();
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_FALSE(daemon_->status().ready);
  EXPECT_EQ(daemon_->statusLine(), "waiting for the first complete snapshot from the source");
}

// Boot with the API server unreachable and no last-known-good file (a control-plane node whose API
// server is a static pod of the kubelet ordered after kipvsd): READY=1 after ready-timeout with a status
// line saying why; nothing is programmed; the first sync still comes when the API server answers.
TEST_F(DaemonRestoreTest, WithoutStateOrApiServerReadyComesAfterReadyTimeoutAndSaysWhy) {
  config_.readyTimeout = milliseconds(30);
  makeDaemon();
  daemon_->handle(k8s::SourceEvent::failure(k8s::ResourceKind::Service, k8s::FailureReason::ConnectionFailure,
                                            "connection refused"));
  settle();
  ASSERT_EQ(readyLines_.size(), 1U);
  EXPECT_TRUE(readyLines_[0].starts_with("not synced yet: API server unreachable: ")) << readyLines_[0];
  EXPECT_TRUE(readyLines_[0].ends_with(
      "connection refused; the kernel keeps its current state; READY=1 sent after ready-timeout 30ms"))
      << readyLines_[0];
  EXPECT_FALSE(daemon_->status().ready);
  EXPECT_TRUE(daemon_->status().readyTimedOut);
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_EQ(agentStatusOf(*daemon_).syncState, core::SyncState::Starting);

  apiLists();
  settle();
  EXPECT_EQ(readyLines_.size(), 1U) << "READY=1 once";
  ASSERT_FALSE(statusLines_.empty());
  EXPECT_EQ(statusLines_.back(), "synced: 1 virtual services");
  EXPECT_EQ(ipvs_.table.size(), 1U);
}

// Restoring the last-known-good state is unchanged: it comes first and makes the daemon ready.
TEST_F(DaemonRestoreTest, ARestoreBeforeReadyTimeoutNeedsNoTimeout) {
  config_.readyTimeout = milliseconds(60);
  saveLastKnownGood();
  makeDaemon();
  settle();
  settle();
  EXPECT_TRUE(daemon_->status().restoredFromState);
  EXPECT_FALSE(daemon_->status().readyTimedOut);
  ASSERT_EQ(readyLines_.size(), 1U);
  EXPECT_TRUE(readyLines_[0].starts_with("stale: restored last-known-good state")) << readyLines_[0];
}

TEST_F(DaemonRestoreTest, NoFileMeansNoRestore) {
  makeDaemon();
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_FALSE(daemon_->status().ready);
}

TEST_F(DaemonRestoreTest, TheStaticSourceNeverRestoresNorSaves) {
  saveLastKnownGood();
  config_.source = SourceKind::Static;
  makeDaemon();
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  daemon_->handle(listed(k8s::ResourceKind::Service, {}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {}));
  settle();
  daemon_->stop();
  EXPECT_TRUE(daemon_->status().ready);
  EXPECT_EQ(saved_.saves, 0);
}

TEST_F(DaemonRestoreTest, AChangeWithinTheSaveIntervalIsSavedOnStop) {
  makeDaemon();
  apiLists();
  settle();
  ASSERT_EQ(saved_.saves, 1);

  k8s::WatchEvent event;
  event.type = k8s::EventType::Modified;
  auto grown = webSlice(
      {endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b"), endpoint("10.244.3.5", "node-b")});
  grown.meta.resourceVersion = "102";
  event.object = grown;
  event.resourceVersion = "102";
  daemon_->handle(k8s::SourceEvent::watch(k8s::ResourceKind::EndpointSlice, std::move(event)));
  settle();
  daemon_->stop();
  ASSERT_EQ(saved_.saves, 2);
  const auto saved = k8s::decodeLastKnownGood(*saved_.text);
  EXPECT_EQ(saved.snapshot, daemon_->snapshot());
  EXPECT_EQ(saved.snapshot.slicesByService.begin()->second.front().endpoints.size(), 3U);
}

TEST_F(DaemonRestoreTest, IPv6ForwardingIsEnabledOnceWhenTheFirstIPv6ServiceIsProgrammed) {
  config_.source = SourceKind::Static;
  makeDaemon();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {}));
  settle();
  EXPECT_EQ(ipv6Enables_, 0) << "IPv4 only: forwarding is left alone";

  daemon_->handle(
      listed(k8s::ResourceKind::Service, {web(), service("web6", {"fd00::10"}, {port(80, "http")})}));
  settle();
  EXPECT_EQ(ipv6Enables_, 1);
  daemon_->requestResync();
  settle();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  settle();
  EXPECT_EQ(ipv6Enables_, 1) << "enabled once, never turned off";
}

}  // namespace
}  // namespace kipvs::app
