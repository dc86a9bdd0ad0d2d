#pragma once

// Pure rendering of the `inet kipvs` nftables table from a FirewallSpec. The rules are fixed (a handful,
// whatever the number of services); everything that varies lives in sets keyed by
// address . protocol . port, so an update is a list of set element changes.

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/firewall_deriver.hpp"
#include "core/firewall_spec.hpp"

namespace kipvs::host {

inline constexpr std::string_view kNftFamily = "inet";
inline constexpr std::string_view kNftTable = "kipvs";

// Set name → rendered elements ("10.96.0.1 . tcp . 80"), for every set of the table (empty ones too).
using NftSetContents = std::map<std::string, std::set<std::string>>;

NftSetContents renderSetContents(const core::FirewallSpec& spec);

// `table inet kipvs { sets...; chains... }` with every element.
std::string renderTable(const core::FirewallSpec& spec);
// The same from already rendered set contents; only the rules (masquerade fields) of `rules` are used.
std::string renderTable(const NftSetContents& contents, const core::FirewallSpec& rules);

// One transaction that replaces the table (creating it first so the delete cannot fail): the new table
// appears at once, with no moment without rules. Nothing outside `inet kipvs` is named.
std::string renderReplace(const core::FirewallSpec& spec);

// One transaction that removes the table if it exists.
std::string renderDelete();

// Set element changes turning the table rendered for `from` into the one for `to`; empty when nothing
// changes. Only valid when the rules are the same (rulesEqual); otherwise use renderReplace.
std::string renderUpdate(const core::FirewallSpec& from, const core::FirewallSpec& to);
std::string renderUpdate(const NftSetContents& before, const NftSetContents& after);

// `delete element` / `add element` commands for these elements (empty sets skipped), removals first.
std::string renderElementChanges(const NftSetContents& gone, const NftSetContents& added);

// The element changes of `delta` against the `applied` contents, which it updates: O(size of the delta),
// whatever the size of the table. An element both leaving and arriving is left alone; only elements
// present are deleted and only absent ones added, so the commands cannot fail on a table as recorded.
std::string renderDelta(NftSetContents& applied, const core::FirewallDelta& delta);

// True when both specs render the same chains (they differ at most in set elements).
bool rulesEqual(const core::FirewallSpec& a, const core::FirewallSpec& b);

}  // namespace kipvs::host
