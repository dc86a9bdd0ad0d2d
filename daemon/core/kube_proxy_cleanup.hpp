#pragma once

// What of a node's iptables and ipsets is kube-proxy's IPVS mode's, and the plan that removes exactly
// that: the same as `kube-proxy --cleanup` (CleanupLeftovers in pkg/proxy/ipvs/cleanup.go):
//   1. the jump rules from built-in chains into its chains (iptablesJumpChain in
//      pkg/proxy/ipvs/proxier.go);
//   2. flush, then delete, its chains (iptablesCleanupChains in proxier.go):
//        nat    KUBE-SERVICES KUBE-POSTROUTING KUBE-NODE-PORT KUBE-LOAD-BALANCER KUBE-MARK-MASQ
//        filter KUBE-FORWARD KUBE-NODE-PORT KUBE-PROXY-FIREWALL KUBE-SOURCE-RANGES-FIREWALL
//               KUBE-IPVS-FILTER KUBE-IPVS-OUT-FILTER
//   3. destroy its ipsets (ipsetInfo in proxier.go; pkg/proxy/ipvs/ipset.go), after the rules that
//      reference them are gone. The IPv6 proxier names them "KUBE-6-..." cut to 31 characters
//      (newIPv6Set / NewIPSet in ipset.go); kipvs removes those too, which upstream's cleanup misses.
//
// Never anything else: kubelet's chains (KUBE-KUBELET-CANARY in every table, KUBE-FIREWALL in filter,
// KEP-3178), other KUBE-* names, other tables, other sets. A kube-proxy chain still referenced by a rule
// kube-proxy did not make is flushed but kept (kube-proxy's cleanup fails to delete it as well), so the
// table's one atomic iptables-restore never fails on it.

#include <string>
#include <string_view>
#include <vector>

#include "core/ipset_save.hpp"
#include "core/iptables_save.hpp"

namespace kipvs::core::kubeproxy {

bool isCleanupChain(std::string_view table, std::string_view chain);
// A rule in built-in chain `from` of `table` jumping to `to` that kube-proxy installed.
bool isJumpRule(std::string_view table, std::string_view from, std::string_view to);
bool isKubeProxySet(std::string_view name);

struct KeptChain {
  std::string chain;
  std::string referencedFrom;  // the chain whose rule still jumps to it
  bool operator==(const KeptChain&) const = default;
};

// One table of one backend (iptables-nft, iptables-legacy, ip6tables-...).
struct TableCleanup {
  std::string table;
  std::vector<IptablesRule> jumps;  // deleted first
  std::vector<std::string> chains;  // flushed, then deleted
  std::vector<KeptChain> kept;      // flushed only (listed only while they hold rules)

  bool empty() const { return jumps.empty() && chains.empty() && kept.empty(); }
  // The input of `iptables-restore --noflush` that applies it in one commit.
  std::string restoreScript() const;
  bool operator==(const TableCleanup&) const = default;
};

// Tables with something to remove, in dump order.
std::vector<TableCleanup> planIptablesCleanup(const IptablesDump& dump);

// The kube-proxy sets among `names`, sorted: destroyed once the rules that reference them are gone.
std::vector<std::string> planIpsetCleanup(const std::vector<std::string>& names);

}  // namespace kipvs::core::kubeproxy
