#include "host/nft_ruleset.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace kipvs::host {
namespace {

using core::Cidr;
using core::FirewallEntry;
using core::FirewallSpec;
using core::IpAddress;
using core::Protocol;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}
Cidr cidr(const char* text) {
  return *Cidr::parse(text);
}
FirewallEntry entry(const char* address, Protocol protocol, std::uint16_t port) {
  return FirewallEntry{.address = ip(address), .protocol = protocol, .port = port};
}

std::string chainsOf(const std::string& table) {
  return table.substr(table.find("\tchain "));
}

std::string ruleContaining(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) {
    return {};
  }
  const auto begin = text.rfind('\n', at) + 1;
  return text.substr(begin, text.find('\n', at) - begin);
}

TEST(NftRuleset, EmptySpecDeclaresEverySetOfBothFamiliesWithoutElements) {
  const auto sets = renderSetContents(FirewallSpec{});
  EXPECT_EQ(sets.size(), 16U);
  for (const auto& [name, elements] : sets) {
    EXPECT_TRUE(elements.empty()) << name;
  }
  const auto table = renderTable(FirewallSpec{});
  EXPECT_EQ(table.find("elements"), std::string::npos);
  EXPECT_NE(table.find("set cluster_ips_v6 {\n\t\ttype ipv6_addr . inet_proto . inet_service\n"),
            std::string::npos);
  EXPECT_NE(
      table.find("set source_ranges_allowed_v4 {\n\t\ttype ipv4_addr . inet_proto . inet_service . ipv4_addr"
                 "\n\t\tflags interval\n"),
      std::string::npos);
}

TEST(NftRuleset, RendersEntriesOfEachRoleIntoTheirOwnFamilySet) {
  FirewallSpec spec;
  spec.clusterIps = {entry("10.96.0.10", Protocol::Udp, 53), entry("FD00:10:96::A", Protocol::Tcp, 443)};
  spec.external = {entry("192.0.2.10", Protocol::Sctp, 9000)};
  spec.externalLocal = {entry("192.0.2.11", Protocol::Tcp, 80)};
  const auto sets = renderSetContents(spec);
  EXPECT_EQ(sets.at("cluster_ips_v4"), std::set<std::string>{"10.96.0.10 . udp . 53"});
  EXPECT_EQ(sets.at("cluster_ips_v6"), std::set<std::string>{"fd00:10:96::a . tcp . 443"});
  EXPECT_EQ(sets.at("external_v4"), std::set<std::string>{"192.0.2.10 . sctp . 9000"});
  EXPECT_EQ(sets.at("external_local_v4"), std::set<std::string>{"192.0.2.11 . tcp . 80"});
  EXPECT_TRUE(sets.at("external_v6").empty());
  EXPECT_NE(renderTable(spec).find("elements = { 10.96.0.10 . udp . 53 }"), std::string::npos);
}

TEST(NftRuleset, ClusterCidrsAreNormalisedAndNeverOverlap) {
  FirewallSpec spec;
  spec.clusterCidrs = {cidr("10.244.3.7/16"), cidr("10.0.0.0/8"), cidr("10.0.0.0/8"), cidr("172.16.0.0/12"),
                       cidr("fd00:244::1/56")};
  const auto sets = renderSetContents(spec);
  EXPECT_EQ(sets.at("cluster_cidrs_v4"), (std::set<std::string>{"10.0.0.0/8", "172.16.0.0/12"}));
  EXPECT_EQ(sets.at("cluster_cidrs_v6"), std::set<std::string>{"fd00:244::/56"});
}

TEST(NftRuleset, ClusterIpTrafficIsMasqueradedOnlyFromOutsideTheClusterCidrs) {
  const auto chains = chainsOf(renderTable(FirewallSpec{}));
  EXPECT_EQ(
      ruleContaining(chains, "@cluster_ips_v4"),
      "\t\tip daddr . meta l4proto . th dport @cluster_ips_v4 ip saddr != @cluster_cidrs_v4 meta mark set "
      "meta mark | 0x4000 comment \"ClusterIP from outside the cluster\"");
  EXPECT_NE(ruleContaining(chains, "@cluster_ips_v6").find("ip6 saddr != @cluster_cidrs_v6"),
            std::string::npos);
}

TEST(NftRuleset, MasqueradeAllMarksEveryClusterIpConnection) {
  FirewallSpec spec;
  spec.masqueradeAll = true;
  const auto rule = ruleContaining(chainsOf(renderTable(spec)), "@cluster_ips_v4");
  EXPECT_EQ(rule.find("cluster_cidrs"), std::string::npos);
  EXPECT_NE(rule.find("meta mark set meta mark | 0x4000"), std::string::npos);
}

TEST(NftRuleset, ExternalTrafficIsAlwaysMarkedButEtpLocalNeverIs) {
  const auto chains = chainsOf(renderTable(FirewallSpec{}));
  const auto markChain = chains.substr(0, chains.find("chain prerouting"));
  EXPECT_NE(
      ruleContaining(markChain, "@external_v4 meta mark set").find("ip daddr . meta l4proto . th dport"),
      std::string::npos);
  EXPECT_EQ(ruleContaining(markChain, "@external_v4 meta mark set").find("saddr"), std::string::npos);
  // ETP Local: the client's address reaches the pod, so no rule that masquerades mentions the set.
  EXPECT_EQ(markChain.find("external_local"), std::string::npos);
  const auto from = chains.find("chain postrouting");
  const auto postrouting = chains.substr(from, chains.find("chain input") - from);
  EXPECT_EQ(postrouting.find("external_local"), std::string::npos);
}

TEST(NftRuleset, PostroutingMasqueradesMarkedConnectionsAndClearsTheMark) {
  FirewallSpec spec;
  spec.masqueradeMark = 0x100000;
  const auto chains = chainsOf(renderTable(spec));
  EXPECT_NE(
      chains.find("type nat hook postrouting priority srcnat; policy accept;\n\t\tmeta mark & 0x100000 == "
                  "0x100000 meta mark set meta mark ^ 0x100000 masquerade fully-random\n"),
      std::string::npos);
  EXPECT_EQ(chains.find("0x4000"), std::string::npos);
  // Marks are set on the first packet, before IPVS: in prerouting (forwarded) and output (from the node).
  EXPECT_NE(chains.find("type nat hook prerouting priority dstnat; policy accept;\n\t\tjump mark_masquerade"),
            std::string::npos);
  EXPECT_NE(chains.find("type nat hook output priority -100; policy accept;\n\t\tjump mark_masquerade"),
            std::string::npos);
}

TEST(NftRuleset, HairpinPairsEachEndpointWithItself) {
  FirewallSpec spec;
  spec.hairpinEndpoints = {ip("10.244.1.5"), ip("fd00:244::5")};
  const auto sets = renderSetContents(spec);
  EXPECT_EQ(sets.at("hairpin_v4"), std::set<std::string>{"10.244.1.5 . 10.244.1.5"});
  EXPECT_EQ(sets.at("hairpin_v6"), std::set<std::string>{"fd00:244::5 . fd00:244::5"});
  EXPECT_EQ(
      ruleContaining(chainsOf(renderTable(spec)), "@hairpin_v4"),
      "\t\tip saddr . ip daddr @hairpin_v4 masquerade fully-random comment \"hairpin: an endpoint reaching "
      "itself through its service\"");
}

TEST(NftRuleset, VipGuardRejectsNewConnectionsToUnlistedPortsOfKipvs0Addresses) {
  FirewallSpec spec;
  spec.guardedAddresses = {ip("10.96.0.10"), ip("fd00:10:96::a")};
  const auto sets = renderSetContents(spec);
  EXPECT_EQ(sets.at("vips_v4"), std::set<std::string>{"10.96.0.10"});
  EXPECT_EQ(sets.at("vips_v6"), std::set<std::string>{"fd00:10:96::a"});
  EXPECT_EQ(
      ruleContaining(chainsOf(renderTable(spec)), "@vips_v4"),
      "\t\tct state new meta l4proto { tcp, udp, sctp } ip daddr @vips_v4 ip daddr . meta l4proto . th dport "
      "!= @cluster_ips_v4 ip daddr . meta l4proto . th dport != @external_v4 ip daddr . meta l4proto . th "
      "dport != @external_local_v4 reject comment \"VIP guard: only service ports answer on kipvs0 "
      "addresses\"");
}

TEST(NftRuleset, SourceRangesAllowListedPrefixesAndTheNodeItself) {
  FirewallSpec spec;
  spec.sourceRanges = {
      {.entry = entry("192.0.2.20", Protocol::Tcp, 443),
       .allowed = {cidr("198.51.100.0/24"), cidr("198.51.100.7/32"), cidr("203.0.113.9/32")}}};
  const auto sets = renderSetContents(spec);
  EXPECT_EQ(sets.at("source_ranges_v4"), std::set<std::string>{"192.0.2.20 . tcp . 443"});
  EXPECT_EQ(sets.at("source_ranges_allowed_v4"),
            (std::set<std::string>{"192.0.2.20 . tcp . 443 . 198.51.100.0/24",
                                   "192.0.2.20 . tcp . 443 . 203.0.113.9/32"}));
  EXPECT_EQ(ruleContaining(chainsOf(renderTable(spec)), "@source_ranges_v4"),
            "\t\tiifname != \"lo\" ip daddr . meta l4proto . th dport @source_ranges_v4 ip daddr . meta "
            "l4proto . th "
            "dport . ip saddr != @source_ranges_allowed_v4 drop comment \"loadBalancerSourceRanges\"");
}

TEST(NftRuleset, RulesDoNotGrowWithTheNumberOfServices) {
  FirewallSpec big;
  for (std::uint16_t i = 1; i <= 2000; ++i) {
    const auto address = "10.96." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    big.clusterIps.push_back(entry(address.c_str(), Protocol::Tcp, i));
    big.guardedAddresses.push_back(ip(address.c_str()));
  }
  EXPECT_EQ(chainsOf(renderTable(big)), chainsOf(renderTable(FirewallSpec{})));
  EXPECT_EQ(renderSetContents(big).at("cluster_ips_v4").size(), 2000U);
}

TEST(NftRuleset, InputOrderDoesNotChangeTheText) {
  FirewallSpec a;
  a.clusterIps = {entry("10.96.0.2", Protocol::Tcp, 80), entry("10.96.0.1", Protocol::Udp, 53)};
  FirewallSpec b;
  b.clusterIps = {a.clusterIps[1], a.clusterIps[0], a.clusterIps[1]};
  EXPECT_EQ(renderTable(a), renderTable(b));
}

TEST(NftRuleset, ReplaceIsOneTransactionNamingOnlyTheKipvsTable) {
  FirewallSpec spec;
  spec.clusterIps = {entry("10.96.0.1", Protocol::Tcp, 443)};
  const auto text = renderReplace(spec);
  EXPECT_EQ(text.rfind("table inet kipvs\ndelete table inet kipvs\ntable inet kipvs {\n", 0), 0U);
  const std::regex tableWord(R"(table (\S+ \S+))");
  int tables = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tableWord); it != std::sregex_iterator();
       ++it) {
    EXPECT_EQ((*it)[1].str().substr(0, 11), "inet kipvs") << (*it)[0].str();
    ++tables;
  }
  EXPECT_EQ(tables, 3);
  EXPECT_EQ(renderDelete(), "table inet kipvs\ndelete table inet kipvs\n");
}

TEST(NftRuleset, UpdateOfEqualSpecsIsEmpty) {
  FirewallSpec spec;
  spec.clusterIps = {entry("10.96.0.1", Protocol::Tcp, 443)};
  spec.clusterCidrs = {cidr("10.244.0.0/16")};
  EXPECT_EQ(renderUpdate(spec, spec), "");
}

TEST(NftRuleset, UpdateChangesOnlyTheElementsThatDiffer) {
  FirewallSpec from;
  from.clusterIps = {entry("10.96.0.1", Protocol::Tcp, 443), entry("10.96.0.2", Protocol::Tcp, 80)};
  from.guardedAddresses = {ip("10.96.0.1"), ip("10.96.0.2")};
  FirewallSpec to = from;
  to.clusterIps[1] = entry("10.96.0.3", Protocol::Udp, 53);
  to.guardedAddresses[1] = ip("10.96.0.3");
  EXPECT_EQ(renderUpdate(from, to),
            "delete element inet kipvs cluster_ips_v4 { 10.96.0.2 . tcp . 80 }\n"
            "delete element inet kipvs vips_v4 { 10.96.0.2 }\n"
            "add element inet kipvs cluster_ips_v4 { 10.96.0.3 . udp . 53 }\n"
            "add element inet kipvs vips_v4 { 10.96.0.3 }\n");
}

// A big table, as at 10,000 Services: a one-element delta must still produce one one-element command.
TEST(NftRuleset, DeltaOfOneElementIsOneCommandWhateverTheTableSize) {
  FirewallSpec spec;
  for (int i = 0; i < 2000; ++i) {
    const auto address = "10.96." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    spec.clusterIps.push_back(entry(address.c_str(), Protocol::Tcp, 80));
    spec.guardedAddresses.push_back(ip(address.c_str()));
    const auto pod = "10.244." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    spec.hairpinEndpoints.push_back(ip(pod.c_str()));
  }
  auto applied = renderSetContents(spec);
  core::FirewallDelta delta;
  delta.removed.hairpinEndpoints = {ip("10.244.0.7")};
  EXPECT_EQ(renderDelta(applied, delta),
            "delete element inet kipvs hairpin_v4 { 10.244.0.7 . 10.244.0.7 }\n");
  EXPECT_FALSE(applied.at("hairpin_v4").contains("10.244.0.7 . 10.244.0.7"));
  EXPECT_EQ(applied.at("hairpin_v4").size(), 1999U);

  delta = {};
  delta.added.clusterIps = {entry("10.96.200.1", Protocol::Udp, 53)};
  EXPECT_EQ(renderDelta(applied, delta),
            "add element inet kipvs cluster_ips_v4 { 10.96.200.1 . udp . 53 }\n");
  EXPECT_EQ(applied, [&] {
    auto expected = spec;
    expected.hairpinEndpoints.erase(expected.hairpinEndpoints.begin() + 6);
    expected.clusterIps.push_back(delta.added.clusterIps[0]);
    return renderSetContents(expected);
  }());
}

TEST(NftRuleset, DeltaLeavesAloneWhatBothLeavesAndArrivesAndWhatIsAlreadyThere) {
  FirewallSpec spec;
  spec.guardedAddresses = {ip("10.96.0.1")};
  spec.sourceRanges = {
      {.entry = entry("203.0.113.7", Protocol::Tcp, 80), .allowed = {cidr("198.51.100.0/24")}}};
  auto applied = renderSetContents(spec);
  core::FirewallDelta delta;
  delta.removed.sourceRanges = spec.sourceRanges;
  delta.added.sourceRanges = {
      {.entry = spec.sourceRanges[0].entry, .allowed = {cidr("198.51.100.0/24"), cidr("192.0.2.0/24")}}};
  delta.added.guardedAddresses = {ip("10.96.0.1")};     // already there
  delta.removed.guardedAddresses = {ip("10.96.0.99")};  // not there
  EXPECT_EQ(renderDelta(applied, delta),
            "add element inet kipvs source_ranges_allowed_v4 { 203.0.113.7 . tcp . 80 . 192.0.2.0/24 }\n");
  EXPECT_EQ(renderDelta(applied, delta), "");
}

TEST(NftRuleset, RulesDifferOnlyWithMasqueradeAllOrTheMark) {
  FirewallSpec a;
  FirewallSpec b;
  b.clusterIps = {entry("10.96.0.1", Protocol::Tcp, 443)};
  b.clusterCidrs = {cidr("10.244.0.0/16")};
  EXPECT_TRUE(rulesEqual(a, b));
  b.masqueradeAll = true;
  EXPECT_FALSE(rulesEqual(a, b));
  b.masqueradeAll = false;
  b.masqueradeMark = 0x8000;
  EXPECT_FALSE(rulesEqual(a, b));
}

}  // namespace
}  // namespace kipvs::host
