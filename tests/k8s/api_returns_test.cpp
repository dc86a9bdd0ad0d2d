// kipvsd's Daemon with the real KubeSource: the API server is down at boot, so the last-known-good
// state is restored (stale); then the fake API server comes up on the same port over real HTTPS, and
// the daemon syncs with it applying only the difference. The host side is faked (no kernel needed).

#include <gtest/gtest.h>

#include "../unit/app/app_fakes.hpp"
#include "../unit/core/fakes.hpp"
#include "app/control.hpp"
#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "harness.hpp"
#include "k8s/last_known_good.hpp"
#include "test_pki.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;

TEST(ApiReturns, RestoredStateIsReplacedByTheApiServersWithOnlyTheDifference) {
  FakeCluster cluster;
  FakeApiServer server({.tls = true, .requireClientCert = false, .token = "test-token"},
                       [&](const FakeRequest& request, Responder& out) {
                         if (!cluster.handle(request, out)) {
                           out.respond(404, statusJson(404, "NotFound", "not found"));
                         }
                       });
  server.start();
  const auto port = server.port();
  ClusterConfig clusterConfig;
  clusterConfig.server = server.url();
  clusterConfig.caPem = TestPki::read(TestPki::get().caCert);
  clusterConfig.token = "test-token";
  clusterConfig.origin = "test";
  server.stop();  // the API server is down at boot

  // The last run saved web with one endpoint; meanwhile the cluster gained a second one.
  cluster.upsert(ResourceKind::Service, serviceJson("shop", "web", "10.96.0.10"));
  cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  cluster.upsert(ResourceKind::Node, nodeJson("node-a", "zone-a"));
  core::testing::FakeStore saved;
  saved.text = encodeLastKnownGood(cluster.truth(), "node-a", "2026-11-26T12:00:00Z");
  cluster.upsert(ResourceKind::EndpointSlice,
                 sliceJson("shop", "web-a", "web", {"10.244.1.5", "10.244.1.6"}));

  app::Config config;
  config.source = app::SourceKind::Kubernetes;
  config.nodeName = "node-a";
  config.minSyncPeriod = milliseconds(0);
  config.restoreAfter = milliseconds(200);
  config.stateDir = "/var/lib/kipvs-test";
  app::EventLoop loop;
  core::testing::FakeIpvs ipvs;
  core::testing::FakeAddresses addresses;
  core::testing::FakeConntrack conntrack;
  core::testing::FakeStore ownership;
  core::SteadyClock clock;
  app::testing::FakeNodeAddresses nodeAddresses;
  app::Daemon daemon(config, loop,
                     app::HostPorts{.ipvs = ipvs,
                                    .addresses = addresses,
                                    .conntrack = conntrack,
                                    .store = ownership,
                                    .nodeAddresses = nodeAddresses,
                                    .lastKnownGood = saved},
                     clock);
  app::testing::RecordedAnnouncements announcements;
  app::StatusLine statusLine(announcements);
  daemon.addListener(statusLine);
  const auto& readyLines = announcements.readyLines;
  const auto& statusLines = announcements.statusLines;

  EventQueue queue([&] {
    loop.post([&] {
      for (auto& event : queue.drain()) {
        daemon.handle(std::move(event));
      }
    });
  });
  auto options = Harness::fastOptions();
  options.nodeName = "node-a";
  KubeSource source(
      clusterConfig, options, [&](SourceEvent&& event) { queue.push(std::move(event)); },
      std::make_shared<FastTiming>());
  const auto waitFor = [&](const std::function<bool()>& predicate) {
    for (int i = 0; i < 750 && !predicate(); ++i) {
      loop.runFor(milliseconds(20));
    }
    return predicate();
  };

  log::setLevel(log::Level::Error);  // the refused connections are logged once per attempt
  daemon.start();
  source.start();
  ASSERT_TRUE(waitFor([&] { return daemon.status().ready; }));
  EXPECT_TRUE(daemon.status().restoredFromState);
  EXPECT_EQ(app::agentStatusOf(daemon).syncState, core::SyncState::Stale);
  ASSERT_EQ(readyLines.size(), 1U);
  EXPECT_EQ(
      readyLines[0],
      "stale: restored last-known-good state from /var/lib/kipvs-test/last-known-good.json (1 services, "
      "saved 2026-11-26T12:00:00Z); API server unreachable");
  ASSERT_EQ(ipvs.table.size(), 1U);
  EXPECT_EQ(ipvs.table.begin()->second.reals.size(), 1U);
  ipvs.log.clear();

  server.start(port);  // the API server is back
  ASSERT_TRUE(waitFor([&] { return !daemon.status().restoredFromState; }));
  log::setLevel(log::Level::Info);
  source.stop();
  daemon.stop();

  ASSERT_EQ(ipvs.log.size(), 1U) << "only the new endpoint, nothing flushed";
  EXPECT_EQ(ipvs.log[0].rfind("add-real", 0), 0U) << ipvs.log[0];
  EXPECT_EQ(ipvs.table.begin()->second.reals.size(), 2U);
  EXPECT_EQ(app::agentStatusOf(daemon).syncState, core::SyncState::Synced);
  ASSERT_FALSE(statusLines.empty());
  EXPECT_EQ(statusLines.back(), "synced: 1 virtual services");
  EXPECT_EQ(readyLines.size(), 1U);
  const auto latest = decodeLastKnownGood(*saved.text);
  EXPECT_EQ(latest.snapshot, daemon.snapshot()) << "the API server's state is the new last-known-good";
  EXPECT_EQ(latest.snapshot.slicesByService.begin()->second.front().endpoints.size(), 2U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
