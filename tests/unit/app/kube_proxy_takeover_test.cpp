// The takeover's order and its retries, over a fake node: VIPs leave kube-ipvs0 only once they are on
// kipvs0, kube-proxy's rules go only once kipvs's firewall is in place, and the pending mark stays until
// everything is gone.
#include "app/kube_proxy_takeover.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "../core/reconciler_fixture.hpp"

namespace kipvs::app {
namespace {

using core::testing::ip;

class FakeKubeProxyNode final : public core::KubeProxyPort {
 public:
  std::optional<std::set<core::IpAddress>> link =
      std::set<core::IpAddress>{ip("10.96.0.10"), ip("10.96.0.99")};
  std::string nat =
      "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:MINE - [0:0]\n"
      "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n";
  std::string sets = "create KUBE-CLUSTER-IP hash:ip,port\ncreate mine hash:ip\n";
  std::vector<std::string> log;
  bool failRestore = false;

  std::optional<std::vector<core::IpAddress>> kubeIpvs0() override {
    if (!link) {
      return std::nullopt;
    }
    return std::vector<core::IpAddress>(link->begin(), link->end());
  }
  void removeFromKubeIpvs0(const core::IpAddress& address) override {
    log.push_back("kube-ipvs0 remove " + address.toString());
    link->erase(address);
  }
  void deleteKubeIpvs0() override {
    log.push_back("kube-ipvs0 delete");
    link.reset();
  }
  std::vector<std::string> iptablesBackends() override { return {"iptables-nft"}; }
  std::string iptablesSave(const std::string& /*backend*/) override { return nat; }
  void iptablesRestore(const std::string& backend, const std::string& script) override {
    if (failRestore) {
      throw std::runtime_error("iptables-restore: resource busy");
    }
    log.push_back(backend + " restore " + script);
    nat = "*nat\n:PREROUTING ACCEPT [0:0]\n:MINE - [0:0]\nCOMMIT\n";
  }
  std::optional<std::string> ipsetSave() override { return sets; }
  void ipsetDestroy(const std::string& name) override {
    log.push_back("ipset destroy " + name);
    sets = "create mine hash:ip\n";
  }
};

class KubeProxyTakeoverTest : public core::testing::ReconcilerTest {
 protected:
  void SetUp() override {
    for (const auto& key : {web, stale}) {
      ipvs.table[key].service.key = key;
    }
  }
  std::unique_ptr<core::Reconciler> started() {
    auto reconciler = make();
    takeover.adopted(*reconciler);
    return reconciler;
  }

  const core::VirtualServiceKey web = core::testing::key(core::Protocol::Tcp, "10.96.0.10", 80);
  const core::VirtualServiceKey stale = core::testing::key(core::Protocol::Tcp, "10.96.0.99", 80);
  FakeKubeProxyNode node;
  KubeProxyTakeover takeover{node, addresses, [] { return std::vector<core::IpAddress>{}; },
                             [] { return true; }};
};

TEST_F(KubeProxyTakeoverTest, AdoptsKubeProxysServicesAndRecordsThePendingTakeover) {
  auto reconciler = started();
  EXPECT_TRUE(reconciler->owned().contains(web));
  EXPECT_TRUE(reconciler->owned().contains(stale));
  EXPECT_TRUE(reconciler->takeoverPending());
  EXPECT_TRUE(node.log.empty());  // nothing removed before the first sync
}

TEST_F(KubeProxyTakeoverTest, RemovesNothingOfKubeProxysBeforeKipvssFirewallIsInPlace) {
  auto reconciler = started();
  reconciler->fullSync(core::testing::cluster({"10.244.1.5"}));
  takeover.fullSyncApplied(*reconciler, false);
  EXPECT_TRUE(node.log.empty());
  EXPECT_TRUE(reconciler->takeoverPending());
}

TEST_F(KubeProxyTakeoverTest, MovesVipsThenRemovesRulesThenSetsThenFinishes) {
  auto reconciler = started();
  reconciler->fullSync(core::testing::cluster({"10.244.1.5"}));
  ASSERT_TRUE(addresses.addresses.contains(ip("10.96.0.10")));  // on kipvs0 before it leaves kube-ipvs0
  takeover.fullSyncApplied(*reconciler, true);
  EXPECT_EQ(node.log, (std::vector<std::string>{
                          "kube-ipvs0 remove 10.96.0.10", "kube-ipvs0 remove 10.96.0.99", "kube-ipvs0 delete",
                          "iptables-nft restore *nat\n-D PREROUTING -m comment --comment "
                          "\"kubernetes service portals\" -j KUBE-SERVICES\n-F KUBE-SERVICES\n"
                          "-X KUBE-SERVICES\nCOMMIT\n",
                          "ipset destroy KUBE-CLUSTER-IP"}));
  EXPECT_FALSE(reconciler->takeoverPending());
  EXPECT_EQ(store.text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\n");
}

TEST_F(KubeProxyTakeoverTest, AVipNotYetOnKipvs0StaysOnKubeIpvs0AndTheTakeoverWaits) {
  auto reconciler = started();
  addresses.failNext = EPERM;  // adding 10.96.0.10 to kipvs0 fails
  reconciler->fullSync(core::testing::cluster({"10.244.1.5"}));
  takeover.fullSyncApplied(*reconciler, true);
  EXPECT_EQ(node.log, std::vector<std::string>{"kube-ipvs0 remove 10.96.0.99"});  // only the stale one
  EXPECT_TRUE(node.link->contains(ip("10.96.0.10")));
  EXPECT_TRUE(reconciler->takeoverPending());
}

TEST_F(KubeProxyTakeoverTest, AFailedRuleRemovalKeepsTheSetsAndIsRetriedByTheNextFullSync) {
  auto reconciler = started();
  reconciler->fullSync(core::testing::cluster({"10.244.1.5"}));
  node.failRestore = true;
  takeover.fullSyncApplied(*reconciler, true);
  EXPECT_TRUE(reconciler->takeoverPending());
  EXPECT_EQ(node.log.back(), "kube-ipvs0 delete");  // no set destroyed while its rules may remain
  node.failRestore = false;
  reconciler->fullSync(core::testing::cluster({"10.244.1.5"}));
  takeover.fullSyncApplied(*reconciler, true);
  EXPECT_FALSE(reconciler->takeoverPending());
  EXPECT_EQ(node.log.back(), "ipset destroy KUBE-CLUSTER-IP");
}

TEST_F(KubeProxyTakeoverTest, ANodeWithoutKubeProxyStateHasNothingToTakeOver) {
  node.link.reset();
  node.nat = "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n";
  node.sets = "create mine hash:ip\n";
  auto reconciler = started();
  EXPECT_FALSE(reconciler->takeoverPending());
  EXPECT_TRUE(reconciler->owned().empty());
}

}  // namespace
}  // namespace kipvs::app
