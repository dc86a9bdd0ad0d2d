#pragma once

// deriveFirewall, kept incrementally: each virtual service's firewall contribution is derived once and
// kept, so a sync touching k virtual services re-derives k contributions and yields only the element
// changes (the firewall then sends a few set elements, not the whole table).

#include <map>
#include <optional>
#include <set>

#include "core/firewall_derive.hpp"

namespace kipvs::core {

// Element changes between two specs with the same rules: `removed` entries leave the table, `added` ones
// enter it. Only the entry lists are used; clusterCidrs and the masquerade fields stay at their defaults.
struct FirewallDelta {
  FirewallSpec removed;
  FirewallSpec added;

  bool empty() const { return removed == FirewallSpec{} && added == FirewallSpec{}; }
};

class FirewallDeriver {
 public:
  // Derives everything again (full sync); spec() then equals deriveFirewall(desired, node).
  void reset(const DesiredState& desired, const NodeContext& node);

  // Re-derives the virtual services of `keys` (every key whose desired entry may have changed, present
  // or gone, as DesiredBuilder returns them) and returns what entered and left the spec.
  FirewallDelta update(const DesiredState& desired, const std::set<VirtualServiceKey>& keys);

  // The whole spec (O(services)): equal to deriveFirewall of the state last given.
  FirewallSpec spec() const;

 private:
  enum class EntryList : std::uint8_t { ClusterIps, External, ExternalLocal };
  struct Contribution {
    FirewallEntry entry;
    EntryList list = EntryList::ClusterIps;
    std::vector<Cidr> allowed;       // sorted, unique; empty: no source range rule
    std::vector<IpAddress> hairpin;  // local endpoint addresses, sorted, unique

    bool operator==(const Contribution&) const = default;
  };
  // Reference counts with the presence of each touched value before the current update.
  template <typename T>
  struct Counted {
    std::map<T, int> counts;
    std::map<T, bool> before;

    void add(const T& value, int delta);
    void emit(std::vector<T>& removed, std::vector<T>& added);
  };

  static std::optional<Contribution> derive(const DesiredState& desired, const VirtualServiceKey& key);
  void account(const Contribution& contribution, int delta);
  Counted<FirewallEntry>& list(EntryList which);

  std::vector<Cidr> clusterCidrs_;
  std::map<VirtualServiceKey, Contribution> contributions_;
  Counted<FirewallEntry> clusterIps_;
  Counted<FirewallEntry> external_;
  Counted<FirewallEntry> externalLocal_;
  Counted<IpAddress> hairpin_;
  std::set<IpAddress> guarded_;
};

}  // namespace kipvs::core
