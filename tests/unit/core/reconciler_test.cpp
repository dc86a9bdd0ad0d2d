// The reconciler against fake ports: exact operation sequences, incremental syncs, adoption on
// start, foreign services untouched, failures reported and retried.

#include "reconciler_fixture.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;
using Ops = std::vector<std::string>;

TEST_F(ReconcilerTest, FirstFullSyncProgramsServicesRealServersAndAddresses) {
  auto reconciler = make();
  const auto report = reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));

  EXPECT_TRUE(report.ok());
  EXPECT_EQ(takeOps(), (Ops{"add-service TCP 10.96.0.10:80 rr flags=0x0",
                            "add-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1",
                            "add-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"}));
  EXPECT_EQ(addresses.addresses, std::set{ip("10.96.0.10")});
  EXPECT_EQ(store.text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\n");
}

TEST_F(ReconcilerTest, ASecondFullSyncOfTheSameStateDoesNothing) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}));
  takeOps();
  const auto saves = store.saves;
  const auto report = reconciler->fullSync(cluster({"10.244.1.5"}));
  EXPECT_TRUE(takeOps().empty());
  EXPECT_EQ(report.opsApplied, 0U);
  EXPECT_EQ(store.saves, saves);
}

TEST_F(ReconcilerTest, OneEndpointAddedIssuesExactlyOneOperation) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}, {"10.244.1.7"}));
  takeOps();
  const auto report =
      reconciler->syncServices(cluster({"10.244.1.5", "10.244.2.5"}, {"10.244.1.7"}), {{"default", "web"}});
  EXPECT_EQ(takeOps(), Ops{"add-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"});
  EXPECT_EQ(report.servicesRecomputed, 1U);
}

TEST_F(ReconcilerTest, OneTcpEndpointWithoutConnectionsRemovedIssuesExactlyOneDelete) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  takeOps();
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "web"}});
  EXPECT_EQ(takeOps(), Ops{"delete-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"});
  EXPECT_EQ(reconciler->terminatingCount(), 0U);
}

TEST_F(ReconcilerTest, ADeletedServiceLosesItsVirtualServiceAndItsAddress) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}, {"10.244.1.7"}));
  takeOps();
  auto without = cluster({"10.244.1.5"}, {"10.244.1.7"});
  without.services.erase({"default", "dns"});
  reconciler->syncServices(without, {{"default", "dns"}});

  EXPECT_EQ(takeOps(), Ops{"delete-service UDP 10.96.0.53:53"});
  EXPECT_EQ(addresses.addresses, std::set{ip("10.96.0.10")});
  EXPECT_EQ(conntrack.log, Ops{"UDP 10.96.0.53:53 -> 10.244.1.7"});
  EXPECT_EQ(store.text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\n");
}

TEST_F(ReconcilerTest, StartReadsTheKernelAndWritesNothing) {
  ipvs.table[key(Protocol::Tcp, "10.96.0.10", 80)].service.key = key(Protocol::Tcp, "10.96.0.10", 80);
  addresses.addresses = {ip("10.96.0.10")};
  Reconciler reconciler(ipvs, addresses, conntrack, store, clock, nodeA());
  const auto report = reconciler.start();

  EXPECT_EQ(report.kernelServices, 1U);
  EXPECT_EQ(report.adopted, 1U);  // its VIP is on kipvs0
  EXPECT_TRUE(ipvs.log.empty());
  EXPECT_TRUE(addresses.log.empty());
  EXPECT_EQ(store.saves, 0);
}

TEST_F(ReconcilerTest, ARestartOnAProgrammedKernelIssuesNoOperation) {
  {
    auto first = make();
    first->fullSync(cluster({"10.244.1.5", "10.244.2.5"}, {"10.244.1.7"}));
  }
  takeOps();
  addresses.log.clear();
  auto second = make();
  const auto report = second->fullSync(cluster({"10.244.1.5", "10.244.2.5"}, {"10.244.1.7"}));
  EXPECT_TRUE(takeOps().empty());
  EXPECT_TRUE(addresses.log.empty());
  EXPECT_TRUE(report.ok());
}

TEST_F(ReconcilerTest, AServiceDeletedWhileKipvsWasDownIsRemovedAfterRestartThanksToTheRecord) {
  {
    auto first = make();
    first->fullSync(cluster({"10.244.1.5"}, {"10.244.1.7"}));
  }
  addresses.addresses.clear();  // e.g. the link was recreated: only the record proves ownership now
  takeOps();
  auto second = make();
  auto without = cluster({"10.244.1.5"});
  second->fullSync(without);
  EXPECT_EQ(takeOps(), Ops{"delete-service UDP 10.96.0.53:53"});
}

TEST_F(ReconcilerTest, AForeignVirtualServiceSurvivesEverySync) {
  const auto foreign = key(Protocol::Tcp, "192.0.2.80", 80);
  ipvs.table[foreign].service.key = foreign;
  ipvs.table[foreign].reals.push_back({.address = ip("192.0.2.10"), .port = 80});
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}));
  reconciler->syncServices(snapshot({}, {}), {{"default", "web"}});
  reconciler->fullSync(snapshot({}, {}));

  ASSERT_TRUE(ipvs.table.contains(foreign));
  EXPECT_EQ(ipvs.table.at(foreign).reals.size(), 1U);
  EXPECT_EQ(ipvs.table.size(), 1U);
  EXPECT_FALSE(reconciler->owned().contains(foreign));
  EXPECT_EQ(store.text, "kipvs-ownership 1\n");
}

TEST_F(ReconcilerTest, ADesiredVirtualServiceFoundInTheKernelIsAdoptedAndReconciled) {
  const auto web = key(Protocol::Tcp, "10.96.0.10", 80);
  ipvs.table[web].service.key = web;
  ipvs.table[web].service.scheduler = "wrr";
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}));
  EXPECT_EQ(takeOps(), (Ops{"edit-service TCP 10.96.0.10:80 rr flags=0x0",
                            "add-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1"}));
  EXPECT_TRUE(reconciler->owned().contains(web));
}

TEST_F(ReconcilerTest, FullSyncRepairsAKernelFlushedBehindItsBack) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}));
  ipvs.table.clear();  // ipvsadm -C
  addresses.addresses.clear();
  takeOps();
  reconciler->fullSync(cluster({"10.244.1.5"}));
  EXPECT_EQ(takeOps(), (Ops{"add-service TCP 10.96.0.10:80 rr flags=0x0",
                            "add-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1"}));
  EXPECT_EQ(addresses.addresses, std::set{ip("10.96.0.10")});
}

TEST_F(ReconcilerTest, AFailedOperationIsReportedAndRetriedByTheNextSync) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5"}, {"10.244.1.7"}));
  takeOps();
  ipvs.failNext = ENOMEM;
  const auto grown = cluster({"10.244.1.5", "10.244.2.5"}, {"10.244.1.7"});
  const auto failed = reconciler->syncServices(grown, {{"default", "web"}});
  ASSERT_EQ(failed.failures.size(), 1U);
  EXPECT_EQ(failed.failures[0].error, ENOMEM);
  takeOps();
  const auto retried = reconciler->syncServices(grown, {{"default", "dns"}});  // an unrelated event
  EXPECT_TRUE(retried.ok());
  EXPECT_EQ(takeOps(), Ops{"add-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"});
}

TEST_F(ReconcilerTest, AnAddressFailureIsReportedAndRetried) {
  auto reconciler = make();
  addresses.failNext = EPERM;
  const auto report = reconciler->fullSync(cluster({"10.244.1.5"}));
  ASSERT_EQ(report.errors.size(), 1U);
  EXPECT_TRUE(addresses.addresses.empty());
  reconciler->syncServices(cluster({"10.244.1.5"}, {"10.244.1.7"}), {{"default", "dns"}});
  EXPECT_EQ(addresses.addresses, (std::set{ip("10.96.0.10"), ip("10.96.0.53")}));
  reconciler->syncServices(cluster({"10.244.1.5"}), {{"default", "dns"}});
  EXPECT_EQ(addresses.addresses, std::set{ip("10.96.0.10")});
}

TEST_F(ReconcilerTest, ACorruptOwnershipRecordIsReportedAndOnlyKipvs0ProvesOwnership) {
  store.text = "garbage\n";
  const auto foreign = key(Protocol::Tcp, "192.0.2.80", 80);
  ipvs.table[foreign].service.key = foreign;
  Reconciler reconciler(ipvs, addresses, conntrack, store, clock, nodeA());
  const auto report = reconciler.start();
  ASSERT_EQ(report.errors.size(), 1U);
  EXPECT_EQ(report.errors[0],
            "reading the ownership record: ownership record line 1: expected \"kipvs-ownership 1\"");
  reconciler.fullSync(snapshot({}, {}));
  EXPECT_TRUE(ipvs.table.contains(foreign));
}

TEST_F(ReconcilerTest, AnOperatorDrainSetsWeightZeroWithoutRemovingTheRealServer) {
  auto reconciler = make();
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  takeOps();
  auto node = nodeA();
  node.drains.endpoints = {ip("10.244.2.5")};
  reconciler->setNodeContext(node);
  reconciler->fullSync(cluster({"10.244.1.5", "10.244.2.5"}));
  EXPECT_EQ(takeOps(), Ops{"edit-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=0"});
}

TEST_F(ReconcilerTest, AtScaleOneEndpointChangeIsStillOneOperation) {
  std::vector<Service> services;
  std::vector<EndpointSlice> slices;
  for (int i = 0; i < 1000; ++i) {
    const auto name = "svc-" + std::to_string(i);
    services.push_back(service(name, {"10.96." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)},
                               {port(80, "http")}));
    std::vector<Endpoint> endpoints;
    endpoints.reserve(10);
    for (int e = 0; e < 10; ++e) {
      endpoints.push_back(
          endpoint("10.244." + std::to_string(i % 250) + "." + std::to_string(e + 1), "node-b"));
    }
    slices.push_back(slice(name, endpoints, {slicePort(8080, "http")}));
  }
  auto snap = snapshot(services, slices);
  auto reconciler = make();
  const auto first = reconciler->fullSync(snap);
  EXPECT_EQ(first.opsApplied, 1000U * 11U);
  takeOps();

  auto& endpoints = snap.slicesByService.at({"default", "svc-500"}).at(0).endpoints;
  endpoints.pop_back();
  const auto report = reconciler->syncServices(snap, {{"default", "svc-500"}});
  EXPECT_EQ(report.opsApplied, 1U);
  EXPECT_EQ(takeOps(), Ops{"delete-real TCP 10.96.2.1:80 -> 10.244.0.10:8080 Masq w=1"});
}

TEST_F(ReconcilerTest, SyncingServicesBeforeTheFirstFullSyncIsAnError) {
  auto reconciler = make();
  EXPECT_THROW(reconciler->syncServices(cluster({}), {{"default", "web"}}), std::logic_error);
}

}  // namespace
}  // namespace kipvs::core
