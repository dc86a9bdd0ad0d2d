#include "core/kube_proxy_cleanup.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace kipvs::core::kubeproxy {
namespace {

struct TableChain {
  std::string_view table;
  std::string_view chain;
};

struct Jump {
  std::string_view table;
  std::string_view from;
  std::string_view to;
};

constexpr std::array kCleanupChains{
    TableChain{"nat", "KUBE-SERVICES"},
    TableChain{"nat", "KUBE-POSTROUTING"},
    TableChain{"nat", "KUBE-NODE-PORT"},
    TableChain{"nat", "KUBE-LOAD-BALANCER"},
    TableChain{"nat", "KUBE-MARK-MASQ"},
    TableChain{"filter", "KUBE-FORWARD"},
    TableChain{"filter", "KUBE-NODE-PORT"},
    TableChain{"filter", "KUBE-PROXY-FIREWALL"},
    TableChain{"filter", "KUBE-SOURCE-RANGES-FIREWALL"},
    TableChain{"filter", "KUBE-IPVS-FILTER"},
    TableChain{"filter", "KUBE-IPVS-OUT-FILTER"},
};

constexpr std::array kJumps{
    Jump{"nat", "OUTPUT", "KUBE-SERVICES"},           Jump{"nat", "PREROUTING", "KUBE-SERVICES"},
    Jump{"nat", "POSTROUTING", "KUBE-POSTROUTING"},   Jump{"filter", "FORWARD", "KUBE-FORWARD"},
    Jump{"filter", "INPUT", "KUBE-NODE-PORT"},        Jump{"filter", "INPUT", "KUBE-PROXY-FIREWALL"},
    Jump{"filter", "FORWARD", "KUBE-PROXY-FIREWALL"}, Jump{"filter", "INPUT", "KUBE-IPVS-FILTER"},
    Jump{"filter", "OUTPUT", "KUBE-IPVS-OUT-FILTER"},
};

constexpr std::array<std::string_view, 17> kSets{
    "KUBE-LOOP-BACK",
    "KUBE-CLUSTER-IP",
    "KUBE-EXTERNAL-IP",
    "KUBE-EXTERNAL-IP-LOCAL",
    "KUBE-LOAD-BALANCER",
    "KUBE-LOAD-BALANCER-FW",
    "KUBE-LOAD-BALANCER-LOCAL",
    "KUBE-LOAD-BALANCER-SOURCE-IP",
    "KUBE-LOAD-BALANCER-SOURCE-CIDR",
    "KUBE-NODE-PORT-TCP",
    "KUBE-NODE-PORT-LOCAL-TCP",
    "KUBE-NODE-PORT-UDP",
    "KUBE-NODE-PORT-LOCAL-UDP",
    "KUBE-NODE-PORT-SCTP-HASH",
    "KUBE-NODE-PORT-LOCAL-SCTP-HASH",
    "KUBE-HEALTH-CHECK-NODE-PORT",
    "KUBE-IPVS-IPS",
};

constexpr std::size_t kMaxSetName = 31;  // IPSET_MAXNAMELEN - 1

// The IPv6 proxier's name for an IPv4 set name.
std::string ipv6Name(std::string_view name) {
  auto v6 = "KUBE-6-" + std::string(name.substr(5));
  if (v6.size() > kMaxSetName) {
    v6.resize(kMaxSetName);
  }
  return v6;
}

// iptables-restore reads a rule's words again: quote those that hold blanks or quotes.
std::string quoted(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"\\") == std::string::npos) {
    return word;
  }
  std::string out = "\"";
  for (const char c : word) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool isCleanupChain(std::string_view table, std::string_view chain) {
  return std::any_of(kCleanupChains.begin(), kCleanupChains.end(),
                     [&](const TableChain& c) { return c.table == table && c.chain == chain; });
}

bool isJumpRule(std::string_view table, std::string_view from, std::string_view to) {
  return std::any_of(kJumps.begin(), kJumps.end(),
                     [&](const Jump& j) { return j.table == table && j.from == from && j.to == to; });
}

bool isKubeProxySet(std::string_view name) {
  return std::any_of(kSets.begin(), kSets.end(),
                     [&](std::string_view set) { return set == name || ipv6Name(set) == name; });
}

std::string TableCleanup::restoreScript() const {
  std::string script = "*" + table + "\n";
  for (const auto& rule : jumps) {
    script += "-D " + rule.chain;
    for (const auto& word : ruleWords(rule.spec)) {
      script += " " + quoted(word);
    }
    script += "\n";
  }
  for (const auto& chain : chains) {
    script += "-F " + chain + "\n";
  }
  for (const auto& flushedOnly : kept) {
    script += "-F " + flushedOnly.chain + "\n";
  }
  for (const auto& chain : chains) {
    script += "-X " + chain + "\n";
  }
  return script + "COMMIT\n";
}

std::vector<TableCleanup> planIptablesCleanup(const IptablesDump& dump) {
  std::vector<TableCleanup> plan;
  for (const auto& table : dump.tables) {
    TableCleanup cleanup{.table = table.name, .jumps = {}, .chains = {}, .kept = {}};
    for (const auto& rule : table.rules) {
      if (!isCleanupChain(table.name, rule.chain) && isJumpRule(table.name, rule.chain, rule.target)) {
        cleanup.jumps.push_back(rule);
      }
    }
    for (const auto& chain : table.chains) {
      if (!isCleanupChain(table.name, chain)) {
        continue;
      }
      // Still referenced once the jumps are gone and kube-proxy's own chains are flushed?
      const auto user = std::find_if(table.rules.begin(), table.rules.end(), [&](const IptablesRule& rule) {
        return rule.target == chain && !isCleanupChain(table.name, rule.chain) &&
               !isJumpRule(table.name, rule.chain, rule.target);
      });
      const bool hasRules = std::any_of(table.rules.begin(), table.rules.end(),
                                        [&](const IptablesRule& rule) { return rule.chain == chain; });
      if (user == table.rules.end()) {
        cleanup.chains.push_back(chain);
      } else if (hasRules) {  // an empty kept chain is as clean as it gets
        cleanup.kept.push_back({.chain = chain, .referencedFrom = user->chain});
      }
    }
    if (!cleanup.empty()) {
      plan.push_back(std::move(cleanup));
    }
  }
  return plan;
}

std::vector<std::string> planIpsetCleanup(const std::vector<std::string>& names) {
  std::set<std::string> sets;
  for (const auto& name : names) {
    if (isKubeProxySet(name)) {
      sets.insert(name);
    }
  }
  return {sets.begin(), sets.end()};
}

}  // namespace kipvs::core::kubeproxy
