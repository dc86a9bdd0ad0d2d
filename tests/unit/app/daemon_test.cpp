#include "app/daemon.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "app/firewall_sync.hpp"
#include "app/metrics_page.hpp"
#include "app_fakes.hpp"
#include "core/log.hpp"
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

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    config_.nodeName = "node-a";
    config_.minSyncPeriod = milliseconds(0);
    daemon_ = std::make_unique<Daemon>(config_, timers_, ports(), timers_.clock());
    daemon_->addListener(firewallSync_);
    daemon_->addListener(statusLine_);
  }

  HostPorts ports() {
    return HostPorts{.ipvs = ipvs_,
                     .addresses = addresses_,
                     .conntrack = conntrack_,
                     .store = store_,
                     .nodeAddresses = nodeAddresses_,
                     .lastKnownGood = lastKnownGood_};
  }

  int firstSyncs() const { return static_cast<int>(announcements_.readyLines.size()); }

  // The web slice replaced by one with these endpoints, then a sync.
  void grow(std::vector<core::Endpoint> endpoints, const std::string& version) {
    k8s::WatchEvent event;
    event.type = k8s::EventType::Modified;
    auto changed = webSlice(std::move(endpoints));
    changed.meta.resourceVersion = version;
    event.object = changed;
    event.resourceVersion = version;
    daemon_->handle(k8s::SourceEvent::watch(k8s::ResourceKind::EndpointSlice, std::move(event)));
    settle();
  }

  static k8s::SourceEvent listed(k8s::ResourceKind kind, std::vector<k8s::Object> items) {
    k8s::ListResult list;
    list.items = std::move(items);
    list.resourceVersion = "100";
    return k8s::SourceEvent::listed(kind, std::move(list));
  }

  static core::Service web() { return service("web", {"10.96.0.10"}, {port(80, "http")}); }
  static core::EndpointSlice webSlice(std::vector<core::Endpoint> endpoints) {
    auto result = slice("web", std::move(endpoints), {slicePort(80, "http")});
    result.meta.name = "web-abc";
    result.meta.resourceVersion = "101";
    return result;
  }

  // Fires what is due now: the daemon's timers run on the test's clock, never the wall clock.
  void settle() { timers_.settle(); }

  Config config_;
  testing::ManualTimers timers_;
  core::testing::FakeIpvs ipvs_;
  core::testing::FakeAddresses addresses_;
  core::testing::FakeConntrack conntrack_;
  core::testing::FakeStore store_;
  core::testing::FakeStore lastKnownGood_;
  testing::FakeNodeAddresses nodeAddresses_;
  testing::FakeFirewall firewall_;
  testing::RecordedAnnouncements announcements_;
  FirewallSync firewallSync_{firewall_, config_};
  StatusLine statusLine_{announcements_};
  std::unique_ptr<Daemon> daemon_;
  std::vector<core::FirewallSpec>& firewalls_ = firewall_.specs;
  std::vector<core::FirewallDelta>& deltas_ = firewall_.deltas;
};

TEST_F(DaemonTest, ProgramsNothingUntilTheSourceHasListedEverything) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_EQ(firstSyncs(), 0);
  EXPECT_FALSE(daemon_->status().ready);
}

TEST_F(DaemonTest, FirstCompleteSnapshotProgramsKernelFirewallAndSignalsReadyOnce) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice,
                         {webSlice({endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")})}));
  settle();
  ASSERT_EQ(ipvs_.table.size(), 1U);
  EXPECT_EQ(ipvs_.table.begin()->second.reals.size(), 2U);
  EXPECT_TRUE(addresses_.addresses.contains(ip("10.96.0.10")));
  ASSERT_FALSE(firewalls_.empty());
  EXPECT_EQ(firewalls_.back().clusterIps.size(), 1U);
  EXPECT_EQ(firewalls_.back().hairpinEndpoints, std::vector<core::IpAddress>{ip("10.244.1.5")});
  EXPECT_EQ(firstSyncs(), 1);
  EXPECT_TRUE(daemon_->status().ready);
}

TEST_F(DaemonTest, OneEndpointChangeIssuesOneRealServerOperation) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  ipvs_.log.clear();
  const auto firewallsBefore = firewalls_.size();

  grow({endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-a")}, "102");
  ASSERT_EQ(ipvs_.log.size(), 1U);
  EXPECT_EQ(ipvs_.log[0].rfind("add-real", 0), 0U) << ipvs_.log[0];
  EXPECT_EQ(firewalls_.size(), firewallsBefore) << "no whole firewall spec for one change";
  ASSERT_EQ(deltas_.size(), 1U);
  EXPECT_EQ(deltas_[0].added.hairpinEndpoints, std::vector{ip("10.244.1.6")}) << "hairpin set grew by one";
  EXPECT_TRUE(deltas_[0].removed == core::FirewallSpec{});
  EXPECT_EQ(firstSyncs(), 1);
}

TEST_F(DaemonTest, AFailedElementUpdateIsReportedAndTheNextSyncAppliesTheWholeSpec) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  const auto firewallsBefore = firewalls_.size();
  firewall_.failUpdate = true;
  grow({endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-a")}, "102");
  EXPECT_FALSE(daemon_->status().lastSyncOk);
  EXPECT_NE(daemon_->status().lastError.find("nft refused"), std::string::npos);
  firewall_.failUpdate = false;
  grow({endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-b")}, "103");
  EXPECT_TRUE(daemon_->status().lastSyncOk);
  ASSERT_EQ(firewalls_.size(), firewallsBefore + 1);
  EXPECT_EQ(firewalls_.back().hairpinEndpoints, std::vector{ip("10.244.1.5")});
  EXPECT_TRUE(deltas_.empty());
}

TEST_F(DaemonTest, EachSyncIsLoggedWithItsKindAndTheOperationsItIssued) {
  std::vector<std::string> syncLines;
  const auto level = log::level();
  log::setLevel(log::Level::Debug);
  log::setSink([&](log::Level, std::string_view message, const log::Fields&) {
    if (message.starts_with("sync: ")) {
      syncLines.emplace_back(message);
    }
  });
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice,
                         {webSlice({endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-a")})}));
  settle();
  k8s::WatchEvent event;
  event.type = k8s::EventType::Modified;
  auto shrunk = webSlice({endpoint("10.244.1.5", "node-a")});
  shrunk.meta.resourceVersion = "102";
  event.object = shrunk;
  event.resourceVersion = "102";
  daemon_->handle(k8s::SourceEvent::watch(k8s::ResourceKind::EndpointSlice, std::move(event)));
  settle();
  log::setSink(nullptr);
  log::setLevel(level);

  ASSERT_EQ(syncLines.size(), 2U);
  EXPECT_EQ(syncLines[0].rfind("sync: full services=1 ipvs_ops=3 reconcile_us=", 0), 0U) << syncLines[0];
  EXPECT_EQ(syncLines[1].rfind("sync: incremental services=1 ipvs_ops=1 reconcile_us=", 0), 0U)
      << syncLines[1];
  EXPECT_NE(syncLines[1].find(" took_us="), std::string::npos) << syncLines[1];
}

TEST_F(DaemonTest, SourceFailureIsRecordedAndKeepsTheKernelAsItIs) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  ipvs_.log.clear();
  daemon_->handle(k8s::SourceEvent::failure(k8s::ResourceKind::Service, k8s::FailureReason::ConnectionFailure,
                                            "connection refused"));
  settle();
  EXPECT_TRUE(ipvs_.log.empty());
  EXPECT_EQ(ipvs_.table.size(), 1U);
  EXPECT_FALSE(daemon_->status().connected);
  EXPECT_NE(daemon_->status().lastError.find("connection refused"), std::string::npos);
}

TEST_F(DaemonTest, DrainSurvivesSyncsAsWeightZero) {
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  core::Drains drains;
  drains.endpoints.insert(ip("10.244.1.5"));
  daemon_->setDrains(drains);
  settle();
  daemon_->requestResync();
  settle();
  ASSERT_EQ(ipvs_.table.size(), 1U);
  ASSERT_EQ(ipvs_.table.begin()->second.reals.size(), 1U);
  EXPECT_EQ(ipvs_.table.begin()->second.reals[0].weight, 0);
}

TEST_F(DaemonTest, TellsTheMetricsRecorderOfEveryChangeAndSync) {
  double now = 1699999990;
  MetricsRecorder recorder([&now] { return now; });
  daemon_->addListener(recorder);
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  auto changed = webSlice({endpoint("10.244.1.5", "node-a"), endpoint("10.244.1.6", "node-a")});
  changed.meta.annotations["endpoints.kubernetes.io/last-change-trigger-time"] = "2023-11-14T22:13:19Z";
  k8s::WatchEvent event;
  event.type = k8s::EventType::Modified;
  changed.meta.resourceVersion = "102";
  event.object = changed;
  event.resourceVersion = "102";
  now = 1700000000;
  daemon_->handle(k8s::SourceEvent::watch(k8s::ResourceKind::EndpointSlice, std::move(event)));
  settle();

  std::string text;
  metrics::TextWriter writer(text);
  recorder.sync().write(writer);
  EXPECT_NE(text.find("kubeproxy_sync_full_proxy_rules_duration_seconds_count 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("kubeproxy_sync_partial_proxy_rules_duration_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("kubeproxy_sync_proxy_rules_endpoint_changes_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("kubeproxy_sync_proxy_rules_endpoint_changes_pending 0\n"), std::string::npos);
  EXPECT_NE(text.find("kubeproxy_network_programming_duration_seconds_sum 1\n"), std::string::npos);
  EXPECT_NE(text.find("kubeproxy_sync_proxy_rules_last_timestamp_seconds 1700000000\n"), std::string::npos);
}

TEST_F(DaemonTest, TheMetricsPageReportsWhatIsProgrammedWithKubernetesLabels) {
  MetricsRecorder recorder;
  daemon_->addListener(recorder);
  daemon_->start();
  daemon_->handle(listed(k8s::ResourceKind::Service, {web()}));
  daemon_->handle(listed(k8s::ResourceKind::EndpointSlice, {webSlice({endpoint("10.244.1.5", "node-a")})}));
  settle();
  const auto proc = ::testing::TempDir() + "ip_vs";
  std::ofstream(proc) << "TCP  0A60000A:0050 rr\n  -> 0AF40105:0050      Masq    1      2          3\n";
  auto registry = makeMetricsRegistry(*daemon_, recorder, ipvs_, "1.2.3", proc);
  const auto text = registry->scrape();
  const std::string labels =
      R"({namespace="default",service="web",port_name="http",kind="ClusterIP",protocol="TCP",address="10.96.0.10",port="80")";
  EXPECT_NE(text.find("kipvs_virtual_service_connections_total" + labels + "} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("kipvs_real_server_active_connections" + labels +
                      R"(,real_address="10.244.1.5",real_port="80",pod="pod-10.244.1.5",node="node-a"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find("kipvs_build_info{version=\"1.2.3\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kubeproxy_sync_full_proxy_rules_duration_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("kipvs_metrics_collector_errors_total{collector=\"ipvs\"} 0\n"), std::string::npos);

  const auto emptyProc = ::testing::TempDir() + "ip_vs_empty";
  std::ofstream(emptyProc) << "IP Virtual Server version 1.2.1 (size=4096)\n";
  auto fallback = makeMetricsRegistry(*daemon_, recorder, ipvs_, "1.2.3", emptyProc);
  EXPECT_NE(fallback->scrape().find(
                "kipvs_real_server_active_connections" + labels +
                R"(,real_address="10.244.1.5",real_port="80",pod="pod-10.244.1.5",node="node-a"} 0)"),
            std::string::npos)
      << "a service /proc/net/ip_vs leaves out is read over netlink";

  auto broken = makeMetricsRegistry(*daemon_, recorder, ipvs_, "1.2.3", "/nonexistent/ip_vs");
  const auto partial = broken->scrape();  // the kernel cannot be read: only the IPVS families are missing
  EXPECT_EQ(partial.find("kipvs_virtual_service_connections_total"), std::string::npos);
  EXPECT_NE(partial.find("kipvs_metrics_collector_errors_total{collector=\"ipvs\"} 1\n"), std::string::npos);
  EXPECT_NE(partial.find("kubeproxy_sync_proxy_rules_last_timestamp_seconds"), std::string::npos);
}

}  // namespace
}  // namespace kipvs::app
