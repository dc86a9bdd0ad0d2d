// Graceful termination timing with a fake clock (kube-proxy pkg/proxy/ipvs/graceful_termination.go).

#include "reconciler_fixture.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;
using Ops = std::vector<std::string>;
using std::chrono::seconds;

const auto kWeb = [] { return key(Protocol::Tcp, "10.96.0.10", 80); };

TEST_F(ReconcilerTest, ARemovedTcpRealServerWithConnectionsGoesToWeightZeroUntilTheyEnd) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  takeOps();
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 3);

  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  EXPECT_EQ(takeOps(), Ops{"edit-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
  EXPECT_EQ(reconciler->terminatingCount(), 1U);

  clock.advance(seconds(60));
  reconciler->reapTerminating();
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  EXPECT_TRUE(takeOps().empty());  // still draining: neither reap nor the next sync touches it

  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 0);
  reconciler->reapTerminating();
  EXPECT_EQ(takeOps(), Ops{"delete-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
  EXPECT_EQ(reconciler->terminatingCount(), 0U);
}

TEST_F(ReconcilerTest, ATerminatingRealServerIsDeletedAtTheDeadlineWhateverItsConnections) {
  auto reconciler = make({.gracefulDeadline = seconds(300)});
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 1);
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  takeOps();

  clock.advance(seconds(299));
  reconciler->reapTerminating();
  EXPECT_TRUE(takeOps().empty());
  clock.advance(seconds(1));
  reconciler->reapTerminating();
  EXPECT_EQ(takeOps(), Ops{"delete-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
}

TEST_F(ReconcilerTest, WithoutADeadlineATerminatingRealServerWaitsForItsConnections) {
  auto reconciler = make({.gracefulDeadline = seconds(0)});
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 1);
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  takeOps();
  clock.advance(seconds(86400 * 30));
  reconciler->reapTerminating();
  EXPECT_TRUE(takeOps().empty());
  EXPECT_EQ(reconciler->terminatingCount(), 1U);
}

TEST_F(ReconcilerTest, AnEndpointComingBackWhileTerminatingIsWeightedUpInPlace) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 2);
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  takeOps();

  reconciler->syncServices(cluster({"10.244.1.5", "10.244.2.5"}), {{"default", "web"}});
  EXPECT_EQ(takeOps(), Ops{"edit-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"});
  EXPECT_EQ(reconciler->terminatingCount(), 0U);
}

TEST_F(ReconcilerTest, ARemovedUdpRealServerGoesAtOnceAndItsConntrackEntriesAreFlushed) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}, {"10.244.1.7", "10.244.2.7"}));
  takeOps();
  ipvs.setConnections(key(Protocol::Udp, "10.96.0.53", 53), ip("10.244.2.7"), 53, 5);

  const auto report = reconciler->syncServices(cluster({"10.244.1.5"}, {"10.244.1.7"}), {{"default", "dns"}});
  EXPECT_EQ(takeOps(), Ops{"delete-real UDP 10.96.0.53:53 -> 10.244.2.7:53 Masq w=1"});
  EXPECT_EQ(conntrack.log, Ops{"UDP 10.96.0.53:53 -> 10.244.2.7"});
  EXPECT_EQ(report.conntrackFlushes, 1U);
  EXPECT_EQ(reconciler->terminatingCount(), 0U);
}

TEST_F(ReconcilerTest, AfterARestartADrainingRealServerStaysAtWeightZeroAndIsStillReaped) {
  {
    auto first = make();
    first->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
    ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 4);
    first->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  }
  takeOps();
  auto second = make();
  second->fullSync(cluster({"10.244.1.5"}));
  EXPECT_TRUE(takeOps().empty());  // no delete, no weight reset: its connections live on
  EXPECT_EQ(second->terminatingCount(), 1U);
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 0);
  second->reapTerminating();
  EXPECT_EQ(takeOps(), Ops{"delete-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
}

TEST_F(ReconcilerTest, AFailedWeightZeroEditIsRetriedByTheNextSync) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 2);
  ipvs.failNext = ENOMEM;
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  takeOps();
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  EXPECT_EQ(takeOps(), Ops{"edit-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
  EXPECT_EQ(reconciler->terminatingCount(), 1U);
}

TEST_F(ReconcilerTest, ATerminatingRealServerThatVanishedFromTheKernelIsForgotten) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  ipvs.setConnections(kWeb(), ip("10.244.2.5"), 8080, 1);
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  ipvs.table.clear();
  takeOps();
  reconciler->reapTerminating();
  EXPECT_TRUE(takeOps().empty());
  EXPECT_EQ(reconciler->terminatingCount(), 0U);
}

}  // namespace
}  // namespace kipvs::core
