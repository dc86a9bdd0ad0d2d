// One test per removal rule: what `kube-proxy --cleanup` removes in IPVS mode, and what it leaves.
#include "core/kube_proxy_cleanup.hpp"

#include <gtest/gtest.h>

namespace kipvs::core::kubeproxy {
namespace {

// A node as kube-proxy's IPVS mode and kubelet leave it, plus someone else's chain.
constexpr const char* kNode =
    "*nat\n"
    ":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
    ":KUBE-KUBELET-CANARY - [0:0]\n:KUBE-LOAD-BALANCER - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n"
    ":KUBE-NODE-PORT - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-SERVICES - [0:0]\n:MY-NAT - [0:0]\n"
    "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A PREROUTING -j MY-NAT\n"
    "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
    "-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n"
    "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"
    "-A KUBE-NODE-PORT -p tcp -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n"
    "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
    "-A KUBE-POSTROUTING -j MASQUERADE --random-fully\n"
    "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n"
    "-A MY-NAT -s 198.51.100.0/24 -j RETURN\n"
    "COMMIT\n"
    "*filter\n"
    ":INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    ":KUBE-FIREWALL - [0:0]\n:KUBE-FORWARD - [0:0]\n:KUBE-IPVS-FILTER - [0:0]\n:KUBE-IPVS-OUT-FILTER - "
    "[0:0]\n"
    ":KUBE-KUBELET-CANARY - [0:0]\n:KUBE-NODE-PORT - [0:0]\n:KUBE-PROXY-FIREWALL - [0:0]\n"
    ":KUBE-SOURCE-RANGES-FIREWALL - [0:0]\n"
    "-A INPUT -m comment --comment \"kubernetes health check rules\" -j KUBE-NODE-PORT\n"
    "-A INPUT -j KUBE-PROXY-FIREWALL\n"
    "-A INPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-FILTER\n"
    "-A INPUT -j KUBE-FIREWALL\n"
    "-A FORWARD -j KUBE-PROXY-FIREWALL\n"
    "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
    "-A OUTPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-OUT-FILTER\n"
    "-A OUTPUT -j KUBE-FIREWALL\n"
    "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -j DROP\n"
    "-A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\n"
    "-A KUBE-IPVS-FILTER -m set --match-set KUBE-IPVS-IPS dst -m conntrack --ctstate NEW -j REJECT\n"
    "-A KUBE-PROXY-FIREWALL -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL\n"
    "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP\n"
    "COMMIT\n"
    "*mangle\n"
    ":PREROUTING ACCEPT [0:0]\n:KUBE-KUBELET-CANARY - [0:0]\n"
    "COMMIT\n";

const TableCleanup& tableOf(const std::vector<TableCleanup>& plan, std::string_view name) {
  for (const auto& table : plan) {
    if (table.table == name) {
      return table;
    }
  }
  throw std::runtime_error("no cleanup of table " + std::string(name));
}

bool removes(std::string_view table, std::string_view chain) {
  const auto plan = planIptablesCleanup(parseIptablesSave(kNode));
  for (const auto& t : plan) {
    if (t.table == table) {
      for (const auto& c : t.chains) {
        if (c == chain) {
          return true;
        }
      }
    }
  }
  return false;
}

TEST(KubeProxyCleanup, RemovesNatKubeServices) {
  EXPECT_TRUE(removes("nat", "KUBE-SERVICES"));
}
TEST(KubeProxyCleanup, RemovesNatKubePostrouting) {
  EXPECT_TRUE(removes("nat", "KUBE-POSTROUTING"));
}
TEST(KubeProxyCleanup, RemovesNatKubeNodePort) {
  EXPECT_TRUE(removes("nat", "KUBE-NODE-PORT"));
}
TEST(KubeProxyCleanup, RemovesNatKubeLoadBalancer) {
  EXPECT_TRUE(removes("nat", "KUBE-LOAD-BALANCER"));
}
TEST(KubeProxyCleanup, RemovesNatKubeMarkMasq) {
  EXPECT_TRUE(removes("nat", "KUBE-MARK-MASQ"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeForward) {
  EXPECT_TRUE(removes("filter", "KUBE-FORWARD"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeNodePort) {
  EXPECT_TRUE(removes("filter", "KUBE-NODE-PORT"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeProxyFirewall) {
  EXPECT_TRUE(removes("filter", "KUBE-PROXY-FIREWALL"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeSourceRangesFirewall) {
  EXPECT_TRUE(removes("filter", "KUBE-SOURCE-RANGES-FIREWALL"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeIpvsFilter) {
  EXPECT_TRUE(removes("filter", "KUBE-IPVS-FILTER"));
}
TEST(KubeProxyCleanup, RemovesFilterKubeIpvsOutFilter) {
  EXPECT_TRUE(removes("filter", "KUBE-IPVS-OUT-FILTER"));
}

TEST(KubeProxyCleanup, KeepsKubeletsCanaryInEveryTable) {
  for (const auto* table : {"nat", "filter", "mangle"}) {
    EXPECT_FALSE(removes(table, "KUBE-KUBELET-CANARY")) << table;
  }
}

TEST(KubeProxyCleanup, KeepsKubeletsFilterKubeFirewallAndItsJumps) {
  EXPECT_FALSE(removes("filter", "KUBE-FIREWALL"));
  const auto& filter = tableOf(planIptablesCleanup(parseIptablesSave(kNode)), "filter");
  for (const auto& rule : filter.jumps) {
    EXPECT_NE(rule.target, "KUBE-FIREWALL");
  }
}

TEST(KubeProxyCleanup, KeepsForeignChainsAndTheirJumps) {
  EXPECT_FALSE(removes("nat", "MY-NAT"));
  const auto& nat = tableOf(planIptablesCleanup(parseIptablesSave(kNode)), "nat");
  for (const auto& rule : nat.jumps) {
    EXPECT_NE(rule.target, "MY-NAT");
  }
}

TEST(KubeProxyCleanup, OnlyTheListedChainsOfEachTableGo) {
  // KUBE-MARK-MASQ is kube-proxy's in nat only; the same name in another table is not.
  EXPECT_FALSE(isCleanupChain("filter", "KUBE-MARK-MASQ"));
  EXPECT_FALSE(isCleanupChain("mangle", "KUBE-SERVICES"));
  EXPECT_TRUE(isCleanupChain("filter", "KUBE-NODE-PORT"));
}

TEST(KubeProxyCleanup, DeletesExactlyTheJumpsFromBuiltInChains) {
  const auto plan = planIptablesCleanup(parseIptablesSave(kNode));
  const auto& nat = tableOf(plan, "nat");
  ASSERT_EQ(nat.jumps.size(), 3U);
  EXPECT_EQ(nat.jumps[0].chain, "PREROUTING");
  EXPECT_EQ(nat.jumps[1].chain, "OUTPUT");
  EXPECT_EQ(nat.jumps[2].chain, "POSTROUTING");
  const auto& filter = tableOf(plan, "filter");
  EXPECT_EQ(filter.jumps.size(), 6U);
  EXPECT_TRUE(tableOf(plan, "filter").kept.empty());
}

TEST(KubeProxyCleanup, LeavesATableWithNothingOfKubeProxysOut) {
  const auto plan = planIptablesCleanup(parseIptablesSave(kNode));
  for (const auto& table : plan) {
    EXPECT_NE(table.table, "mangle");
  }
  EXPECT_TRUE(planIptablesCleanup(parseIptablesSave("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n")).empty());
}

TEST(KubeProxyCleanup, FlushesButKeepsAChainSomeoneElseStillJumpsTo) {
  const auto plan = planIptablesCleanup(parseIptablesSave(
      "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:MINE - [0:0]\n"
      "-A MINE -j KUBE-MARK-MASQ\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\nCOMMIT\n"));
  ASSERT_EQ(plan.size(), 1U);
  EXPECT_TRUE(plan[0].chains.empty());
  EXPECT_EQ(plan[0].kept, (std::vector<KeptChain>{{.chain = "KUBE-MARK-MASQ", .referencedFrom = "MINE"}}));
  EXPECT_EQ(plan[0].restoreScript(), "*nat\n-F KUBE-MARK-MASQ\nCOMMIT\n");
  // Once flushed there is nothing more to do: the takeover can complete.
  EXPECT_TRUE(
      planIptablesCleanup(parseIptablesSave("*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n"
                                            ":MINE - [0:0]\n-A MINE -j KUBE-MARK-MASQ\nCOMMIT\n"))
          .empty());
}

TEST(KubeProxyCleanup, WritesOneAtomicRestoreScriptPerTable) {
  const auto plan = planIptablesCleanup(
      parseIptablesSave("*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n"
                        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
                        "-A KUBE-SERVICES -j KUBE-MARK-MASQ\nCOMMIT\n"));
  ASSERT_EQ(plan.size(), 1U);
  EXPECT_EQ(plan[0].restoreScript(),
            "*nat\n"
            "-D PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
            "-F KUBE-SERVICES\n-F KUBE-MARK-MASQ\n-X KUBE-SERVICES\n-X KUBE-MARK-MASQ\nCOMMIT\n");
}

TEST(KubeProxyCleanup, DestroysKubeProxysIpsets) {
  for (const auto* set : {"KUBE-LOOP-BACK", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL",
                          "KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-FW", "KUBE-LOAD-BALANCER-LOCAL",
                          "KUBE-LOAD-BALANCER-SOURCE-IP", "KUBE-LOAD-BALANCER-SOURCE-CIDR",
                          "KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-LOCAL-TCP", "KUBE-NODE-PORT-UDP",
                          "KUBE-NODE-PORT-LOCAL-UDP", "KUBE-NODE-PORT-SCTP-HASH",
                          "KUBE-NODE-PORT-LOCAL-SCTP-HASH", "KUBE-HEALTH-CHECK-NODE-PORT", "KUBE-IPVS-IPS"}) {
    EXPECT_TRUE(isKubeProxySet(set)) << set;
  }
}

TEST(KubeProxyCleanup, DestroysTheIpv6ProxiersSetsWithTheirCutNames) {
  EXPECT_TRUE(isKubeProxySet("KUBE-6-CLUSTER-IP"));
  EXPECT_TRUE(isKubeProxySet("KUBE-6-LOAD-BALANCER-SOURCE-CID"));  // 31 characters
  EXPECT_TRUE(isKubeProxySet("KUBE-6-NODE-PORT-LOCAL-SCTP-HAS"));
  EXPECT_FALSE(isKubeProxySet("KUBE-6-NODE-PORT-LOCAL-SCTP-HASH"));
}

TEST(KubeProxyCleanup, KeepsEveryOtherIpset) {
  for (const auto* set :
       {"KUBE-MINE", "cali40all-hosts", "KUBE-CLUSTER-IPS", "kube-cluster-ip", "f2b-sshd"}) {
    EXPECT_FALSE(isKubeProxySet(set)) << set;
  }
  EXPECT_EQ(planIpsetCleanup({"f2b-sshd", "KUBE-IPVS-IPS", "KUBE-CLUSTER-IP", "KUBE-MINE"}),
            (std::vector<std::string>{"KUBE-CLUSTER-IP", "KUBE-IPVS-IPS"}));
}

}  // namespace
}  // namespace kipvs::core::kubeproxy
