// The error policy over a whole Daemon: an IPVS transport that fails as a whole (listing during a full
// reconcile, applying a plan) leaves the daemon up and degraded, retried with backoff on the test's clock,
// and synced again once the kernel answers.

#include <gtest/gtest.h>

#include <system_error>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "app/control.hpp"
#include "app/daemon.hpp"
#include "app_fakes.hpp"
#include "core/sync_pacer.hpp"
#include "manual_timers.hpp"

namespace kipvs::app {
namespace {

using core::testing::endpoint;
using core::testing::ip;
using core::testing::port;
using core::testing::service;
using core::testing::slice;
using core::testing::slicePort;

// Throws like NetlinkIpvs when its socket fails: not one op's errno, the whole call.
class FlakyIpvs final : public core::IpvsPort {
 public:
  core::testing::FakeIpvs kernel;
  bool failListing = false;
  bool failApply = false;

  std::vector<core::VirtualServiceStatus> listServices() override {
    if (failListing) {
      throw std::system_error(ENOBUFS, std::generic_category(), "IPVS: list virtual services");
    }
    return kernel.listServices();
  }
  std::vector<core::RealServerStatus> listRealServers(const core::VirtualServiceKey& key) override {
    return kernel.listRealServers(key);
  }
  std::vector<int> apply(const std::vector<core::IpvsOp>& ops) override {
    if (failApply) {
      throw std::system_error(EPIPE, std::generic_category(), "IPVS: send");
    }
    return kernel.apply(ops);
  }
};

k8s::SourceEvent listed(k8s::ResourceKind kind, std::vector<k8s::Object> items) {
  k8s::ListResult list;
  list.items = std::move(items);
  list.resourceVersion = "100";
  return k8s::SourceEvent::listed(kind, std::move(list));
}

class DaemonFailureTest : public ::testing::Test {
 protected:
  DaemonFailureTest() {
    config_.source = SourceKind::Static;
    config_.nodeName = "node-a";
    config_.minSyncPeriod = std::chrono::milliseconds(0);
    daemon_ = std::make_unique<Daemon>(config_, timers_,
                                       HostPorts{.ipvs = ipvs_,
                                                 .addresses = addresses_,
                                                 .conntrack = conntrack_,
                                                 .store = store_,
                                                 .nodeAddresses = nodeAddresses_,
                                                 .lastKnownGood = lastKnownGood_},
                                       timers_.clock());
    daemon_->addListener(statusLine_);
    daemon_->start();
  }

  void sourceLists() {
    auto web = service("web", {"10.96.0.10"}, {port(80, "http")});
    auto webSlice = slice("web", {endpoint("10.244.1.5", "node-a")}, {slicePort(80, "http")});
    daemon_->handle(listed(k8s::ResourceKind::Service, {web}));
    daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice}));
    timers_.settle();
  }

  core::SyncState syncState() const { return agentStatusOf(*daemon_).syncState; }

  Config config_;
  testing::ManualTimers timers_;
  FlakyIpvs ipvs_;
  core::testing::FakeAddresses addresses_;
  core::testing::FakeConntrack conntrack_;
  core::testing::FakeStore store_;
  core::testing::FakeStore lastKnownGood_;
  testing::FakeNodeAddresses nodeAddresses_;
  testing::RecordedAnnouncements announcements_;
  StatusLine statusLine_{announcements_};
  std::unique_ptr<Daemon> daemon_;
  const std::vector<std::string>& statusLines_ = announcements_.statusLines;
};

TEST_F(DaemonFailureTest, AListingThatThrowsDuringAFullReconcileDegradesAndIsRetriedUntilItHeals) {
  sourceLists();
  ASSERT_EQ(syncState(), core::SyncState::Synced);
  ipvs_.failListing = true;
  daemon_->requestResync();
  timers_.settle();

  EXPECT_EQ(syncState(), core::SyncState::Degraded);
  EXPECT_EQ(daemon_->status().failedSyncs, 1U);
  EXPECT_NE(daemon_->status().lastError.find("IPVS: list virtual services"), std::string::npos)
      << daemon_->status().lastError;
  EXPECT_EQ(daemon_->statusLine().rfind("degraded: 1 virtual services; full sync failed: ", 0), 0U)
      << daemon_->statusLine();
  EXPECT_EQ(ipvs_.kernel.table.size(), 1U) << "the kernel keeps what was programmed";

  timers_.advance(core::SyncPacer::kFirstRetry);
  EXPECT_EQ(daemon_->status().failedSyncs, 2U) << "retried after the first backoff";
  timers_.advance(core::SyncPacer::kFirstRetry);
  EXPECT_EQ(daemon_->status().failedSyncs, 2U) << "the second backoff is twice as long";

  ipvs_.failListing = false;
  timers_.advance(core::SyncPacer::kFirstRetry);
  EXPECT_EQ(syncState(), core::SyncState::Synced);
  EXPECT_EQ(daemon_->statusLine(), "synced: 1 virtual services");
  EXPECT_EQ(ipvs_.kernel.table.size(), 1U);
  ASSERT_FALSE(statusLines_.empty());
  EXPECT_EQ(statusLines_.back(), "synced: 1 virtual services");
}

TEST_F(DaemonFailureTest, AnApplyThatThrowsOnTheFirstSyncKeepsTheDaemonUpAndDegradedUntilItHeals) {
  ipvs_.failApply = true;
  sourceLists();
  EXPECT_FALSE(daemon_->status().ready);
  EXPECT_EQ(syncState(), core::SyncState::Degraded);
  ASSERT_EQ(statusLines_.size(), 1U) << "told at once, before READY";
  EXPECT_EQ(statusLines_[0].rfind("degraded: the first sync failed; full sync failed: ", 0), 0U)
      << statusLines_[0];
  EXPECT_TRUE(ipvs_.kernel.table.empty());

  ipvs_.failApply = false;
  timers_.advance(core::SyncPacer::kFirstRetry);
  EXPECT_TRUE(daemon_->status().ready);
  EXPECT_EQ(syncState(), core::SyncState::Synced);
  ASSERT_EQ(ipvs_.kernel.table.size(), 1U);
  EXPECT_EQ(ipvs_.kernel.table.begin()->second.reals.size(), 1U);
  EXPECT_TRUE(addresses_.addresses.contains(ip("10.96.0.10")));
}

TEST_F(DaemonFailureTest, AnIncrementalSyncThatThrowsIsRetriedAsAFullSync) {
  sourceLists();
  ipvs_.failApply = true;
  k8s::WatchEvent event;
  event.type = k8s::EventType::Modified;
  auto grown = slice("web", {endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-a")},
                     {slicePort(80, "http")});
  grown.meta.resourceVersion = "102";
  event.object = grown;
  event.resourceVersion = "102";
  daemon_->handle(k8s::SourceEvent::watch(k8s::ResourceKind::EndpointSlice, std::move(event)));
  timers_.settle();
  EXPECT_EQ(syncState(), core::SyncState::Degraded);
  EXPECT_NE(daemon_->status().lastError.find("incremental sync failed"), std::string::npos);

  ipvs_.failApply = false;
  ipvs_.kernel.log.clear();
  timers_.advance(core::SyncPacer::kFirstRetry);
  EXPECT_EQ(syncState(), core::SyncState::Synced);
  ASSERT_EQ(ipvs_.kernel.table.begin()->second.reals.size(), 2U) << "the full retry applied the change";
}

}  // namespace
}  // namespace kipvs::app
