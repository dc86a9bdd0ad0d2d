#include "core/firewall_deriver.hpp"

#include <algorithm>

namespace kipvs::core {
namespace {

template <typename T>
std::vector<T> sortedUnique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

template <typename T>
void FirewallDeriver::Counted<T>::add(const T& value, int delta) {
  auto& count = counts[value];
  before.try_emplace(value, count > 0);
  count += delta;
  if (count <= 0) {
    counts.erase(value);
  }
}

template <typename T>
void FirewallDeriver::Counted<T>::emit(std::vector<T>& removed, std::vector<T>& added) {
  for (const auto& [value, was] : before) {
    const bool is = counts.contains(value);
    if (was && !is) {
      removed.push_back(value);
    } else if (!was && is) {
      added.push_back(value);
    }
  }
  before.clear();
}

FirewallDeriver::Counted<FirewallEntry>& FirewallDeriver::list(EntryList which) {
  switch (which) {
    case EntryList::External:
      return external_;
    case EntryList::ExternalLocal:
      return externalLocal_;
    case EntryList::ClusterIps:
      break;
  }
  return clusterIps_;
}

// What one virtual service contributes to the spec (deriveFirewall is built on this).
std::optional<FirewallDeriver::Contribution> FirewallDeriver::derive(const DesiredState& desired,
                                                                     const VirtualServiceKey& key) {
  const auto found = desired.services.find(key);
  if (key.fwmark != 0 || found == desired.services.end()) {
    return std::nullopt;  // gone, or no address:port to match
  }
  const auto& vs = found->second;
  Contribution contribution{.entry = {.address = key.address, .protocol = key.protocol, .port = key.port},
                            .allowed = {},
                            .hairpin = {}};
  switch (vs.origin.kind) {
    case ServiceKind::ClusterIP:
    case ServiceKind::Static:
      contribution.list = EntryList::ClusterIps;
      break;
    case ServiceKind::NodePort:
    case ServiceKind::ExternalIP:
    case ServiceKind::LoadBalancer:
      contribution.list = vs.localOnly ? EntryList::ExternalLocal : EntryList::External;
      break;
  }
  contribution.allowed = sortedUnique(vs.sourceRanges);
  for (const auto& real : vs.reals) {
    if (real.endpoint.local) {
      contribution.hairpin.push_back(real.server.address);
    }
  }
  contribution.hairpin = sortedUnique(std::move(contribution.hairpin));
  return contribution;
}

void FirewallDeriver::account(const Contribution& contribution, int delta) {
  list(contribution.list).add(contribution.entry, delta);
  for (const auto& address : contribution.hairpin) {
    hairpin_.add(address, delta);
  }
}

void FirewallDeriver::reset(const DesiredState& desired, const NodeContext& node) {
  *this = FirewallDeriver{};
  clusterCidrs_ = sortedUnique(node.clusterCidrs);
  for (const auto& [key, vs] : desired.services) {
    if (auto contribution = derive(desired, key)) {
      account(*contribution, 1);
      contributions_.emplace(key, std::move(*contribution));
    }
  }
  for (auto* counted : {&clusterIps_, &external_, &externalLocal_}) {
    counted->before.clear();
  }
  hairpin_.before.clear();
  guarded_ = desired.boundAddresses;
}

FirewallDelta FirewallDeriver::update(const DesiredState& desired, const std::set<VirtualServiceKey>& keys) {
  FirewallDelta delta;
  for (const auto& key : keys) {
    auto fresh = derive(desired, key);
    const auto old = contributions_.find(key);
    const bool had = old != contributions_.end();
    if (had && fresh && old->second == *fresh) {
      continue;
    }
    if (had) {
      account(old->second, -1);
      if (!old->second.allowed.empty()) {
        delta.removed.sourceRanges.push_back({.entry = old->second.entry, .allowed = old->second.allowed});
      }
      contributions_.erase(old);
    }
    if (fresh) {
      account(*fresh, 1);
      if (!fresh->allowed.empty()) {
        delta.added.sourceRanges.push_back({.entry = fresh->entry, .allowed = fresh->allowed});
      }
      contributions_.emplace(key, std::move(*fresh));
    }
  }
  clusterIps_.emit(delta.removed.clusterIps, delta.added.clusterIps);
  external_.emit(delta.removed.external, delta.added.external);
  externalLocal_.emit(delta.removed.externalLocal, delta.added.externalLocal);
  hairpin_.emit(delta.removed.hairpinEndpoints, delta.added.hairpinEndpoints);
  // Only a touched key's address can have been bound or unbound by this change.
  for (const auto& key : keys) {
    const bool bound = desired.boundAddresses.contains(key.address);
    if (bound && guarded_.insert(key.address).second) {
      delta.added.guardedAddresses.push_back(key.address);
    } else if (!bound && guarded_.erase(key.address) > 0) {
      delta.removed.guardedAddresses.push_back(key.address);
    }
  }
  return delta;
}

FirewallSpec FirewallDeriver::spec() const {
  FirewallSpec spec;
  spec.clusterCidrs = clusterCidrs_;
  const auto keysOf = [](const auto& counted, auto& out) {
    for (const auto& [value, count] : counted.counts) {
      out.push_back(value);
    }
  };
  keysOf(clusterIps_, spec.clusterIps);
  keysOf(external_, spec.external);
  keysOf(externalLocal_, spec.externalLocal);
  keysOf(hairpin_, spec.hairpinEndpoints);
  for (const auto& [key, contribution] : contributions_) {
    if (!contribution.allowed.empty()) {
      spec.sourceRanges.push_back({.entry = contribution.entry, .allowed = contribution.allowed});
    }
  }
  spec.guardedAddresses.assign(guarded_.begin(), guarded_.end());
  return spec;
}

}  // namespace kipvs::core
