#include "scratch_compare.hpp"

#include <algorithm>
#include <sstream>

#include "../core/core_fixtures.hpp"
#include "core/desired_builder.hpp"
#include "core/firewall_derive.hpp"
#include "core/firewall_deriver.hpp"
#include "core/reconciler.hpp"

namespace kipvs::app::testing {
namespace {

template <typename T>
void normalize(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

void normalize(std::vector<core::SourceRangeRule>& rules) {
  const auto less = [](const core::SourceRangeRule& a, const core::SourceRangeRule& b) {
    return std::tie(a.entry, a.allowed) < std::tie(b.entry, b.allowed);
  };
  std::sort(rules.begin(), rules.end(), less);
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
}

core::FirewallSpec normalized(core::FirewallSpec spec) {
  normalize(spec.clusterCidrs);
  normalize(spec.clusterIps);
  normalize(spec.external);
  normalize(spec.externalLocal);
  normalize(spec.guardedAddresses);
  normalize(spec.sourceRanges);
  normalize(spec.hairpinEndpoints);
  return spec;
}

// nft sets: an element is in or out, whatever the order of the changes.
template <typename T>
void applyElements(std::vector<T>& list, const std::vector<T>& removed, const std::vector<T>& added) {
  std::erase_if(list, [&](const T& value) {
    return std::find(removed.begin(), removed.end(), value) != removed.end();
  });
  list.insert(list.end(), added.begin(), added.end());
  normalize(list);
}

void applyDelta(core::FirewallSpec& spec, const core::FirewallDelta& delta) {
  applyElements(spec.clusterIps, delta.removed.clusterIps, delta.added.clusterIps);
  applyElements(spec.external, delta.removed.external, delta.added.external);
  applyElements(spec.externalLocal, delta.removed.externalLocal, delta.added.externalLocal);
  applyElements(spec.guardedAddresses, delta.removed.guardedAddresses, delta.added.guardedAddresses);
  applyElements(spec.sourceRanges, delta.removed.sourceRanges, delta.added.sourceRanges);
  applyElements(spec.hairpinEndpoints, delta.removed.hairpinEndpoints, delta.added.hairpinEndpoints);
}

template <typename T>
std::string listed(const std::vector<T>& values) {
  std::ostringstream out;
  for (const auto& value : values) {
    out << ' ' << value;
  }
  return out.str();
}

std::string listed(const std::vector<core::FirewallEntry>& entries) {
  std::ostringstream out;
  for (const auto& entry : entries) {
    out << ' ' << entry.protocol << ' ' << entry.address << ':' << entry.port;
  }
  return out.str();
}

std::string listed(const std::vector<core::SourceRangeRule>& rules) {
  std::ostringstream out;
  for (const auto& rule : rules) {
    out << ' ' << rule.entry.address << ':' << rule.entry.port << " from" << listed(rule.allowed);
  }
  return out.str();
}

void compareFirewall(const core::FirewallSpec& got, const core::FirewallSpec& want,
                     std::vector<std::string>& out) {
  const auto check = [&](const char* what, const auto& a, const auto& b) {
    if (a != b) {
      out.push_back(std::string("firewall ") + what + ": incremental" + listed(a) + "; from scratch" +
                    listed(b));
    }
  };
  check("clusterIps", got.clusterIps, want.clusterIps);
  check("external", got.external, want.external);
  check("externalLocal", got.externalLocal, want.externalLocal);
  check("guardedAddresses", got.guardedAddresses, want.guardedAddresses);
  check("sourceRanges", got.sourceRanges, want.sourceRanges);
  check("hairpinEndpoints", got.hairpinEndpoints, want.hairpinEndpoints);
  check("clusterCidrs", got.clusterCidrs, want.clusterCidrs);
  if (got.masqueradeAll != want.masqueradeAll) {
    out.push_back("firewall masqueradeAll differs");
  }
}

std::string describe(const core::ObservedVirtualService* vs) {
  if (vs == nullptr) {
    return "(absent)";
  }
  std::ostringstream out;
  out << vs->service << " ->";
  for (const auto& real : vs->reals) {
    out << ' ' << real;
  }
  return out.str();
}

// Real servers in (address, port) order: the kernel lists them in the order they were added, which
// differs between an incremental and a from-scratch run without meaning anything.
core::ObservedState sortedReals(core::ObservedState state) {
  for (auto& [key, vs] : state) {
    std::sort(vs.reals.begin(), vs.reals.end(), [](const core::RealServer& a, const core::RealServer& b) {
      return std::tie(a.address, a.port) < std::tie(b.address, b.port);
    });
  }
  return state;
}

void compareKernel(const core::ObservedState& incremental, const core::ObservedState& scratch,
                   std::vector<std::string>& out) {
  const auto got = sortedReals(incremental);
  const auto want = sortedReals(scratch);
  std::set<core::VirtualServiceKey> keys;
  for (const auto& [key, unused] : got) {
    keys.insert(key);
  }
  for (const auto& [key, unused] : want) {
    keys.insert(key);
  }
  for (const auto& key : keys) {
    const auto a = got.find(key);
    const auto b = want.find(key);
    const auto* left = a == got.end() ? nullptr : &a->second;
    const auto* right = b == want.end() ? nullptr : &b->second;
    if (left == nullptr || right == nullptr || *left != *right) {
      out.push_back("kernel: incremental " + describe(left) + "; from scratch " + describe(right));
    }
  }
}

void compareDesired(const core::DesiredState& got, const core::DesiredState& want,
                    std::vector<std::string>& out) {
  if (got == want) {
    return;
  }
  const auto a = core::testing::render(got);
  const auto b = core::testing::render(want);
  std::ostringstream text;
  text << "desired state (what the bus shows) differs:\n  incremental:";
  for (const auto& line : a) {
    text << "\n    " << line;
  }
  text << "\n  from scratch:";
  for (const auto& line : b) {
    text << "\n    " << line;
  }
  if (a == b) {
    text << "\n  (equal renderings: the difference is in origins, bound addresses or health-check ports)";
  }
  out.push_back(text.str());
}

}  // namespace

void FakeHost::RecordingFirewall::apply(const core::FirewallSpec& whole) {
  spec = normalized(whole);
}

void FakeHost::RecordingFirewall::update(const core::FirewallDelta& delta) {
  applyDelta(spec, delta);
}

HostPorts FakeHost::ports() {
  return HostPorts{.ipvs = ipvs,
                   .addresses = addresses,
                   .conntrack = conntrack,
                   .store = store,
                   .nodeAddresses = nodeAddresses_,
                   .lastKnownGood = lastKnownGood};
}

bool sameObjects(const core::ClusterSnapshot& a, const core::ClusterSnapshot& b) {
  return a.services == b.services && a.slicesByService == b.slicesByService && a.node == b.node;
}

std::vector<std::string> differencesFromScratch(const Daemon& daemon, const FakeHost& host,
                                                const core::ClusterSnapshot& truth) {
  std::vector<std::string> out;
  if (!sameObjects(daemon.snapshot(), truth)) {
    out.push_back("cache: the daemon's snapshot is not the source's objects");
  }
  const auto node = core::withSnapshotDefaults(daemon.nodeContext(), truth);
  const auto desired = core::computeDesired(truth, node);
  compareDesired(daemon.reconciler().desired(), desired, out);

  // A fresh kipvsd on an empty node, programming the same snapshot at once.
  core::testing::FakeIpvs ipvs;
  core::testing::FakeAddresses addresses;
  core::testing::FakeConntrack conntrack;
  core::testing::FakeStore store;
  core::SteadyClock clock;
  core::Reconciler scratch(ipvs, addresses, conntrack, store, clock, node);
  scratch.start();
  scratch.fullSync(truth);
  compareKernel(host.ipvs.table, ipvs.table, out);
  if (host.addresses.addresses != addresses.addresses) {
    out.push_back("kipvs0: incremental" +
                  listed(std::vector(host.addresses.addresses.begin(), host.addresses.addresses.end())) +
                  "; from scratch" +
                  listed(std::vector(addresses.addresses.begin(), addresses.addresses.end())));
  }
  // What a full sync would still change in the incremental kernel (must be nothing).
  const auto plan = core::diff(host.ipvs.table, desired, daemon.reconciler().owned());
  for (const auto& op : plan) {
    std::ostringstream text;
    text << "a full sync would still apply: " << op;
    out.push_back(text.str());
  }
  auto firewall = core::deriveFirewall(desired, node);
  firewall.masqueradeAll = daemon.config().masqueradeAll;
  compareFirewall(host.firewall(), normalized(firewall), out);
  return out;
}

}  // namespace kipvs::app::testing
