#include "core/desired_builder.hpp"

#include <algorithm>

#include "core/desired_service.hpp"

namespace kipvs::core {

std::set<VirtualServiceKey> DesiredBuilder::set(ServiceDesired contribution) {
  auto touched = erase(contribution.key);
  const ObjectKey owner = contribution.key;
  Contribution entry{.problems = std::move(contribution.problems),
                     .healthCheckNodePort = contribution.healthCheckNodePort};
  for (auto& service : contribution.services) {
    const auto key = service.service.key;
    if (std::find(entry.keys.begin(), entry.keys.end(), key) != entry.keys.end()) {
      entry.problems.push_back("virtual service " + key.toString() + " derived twice; the second is ignored");
      continue;
    }
    entry.keys.push_back(key);
    touched.insert(key);
    insert(owner, std::move(service));
  }
  if (entry.healthCheckNodePort != 0) {
    state_.healthCheckNodePorts[owner] = entry.healthCheckNodePort;
  }
  const auto keys = entry.keys;
  contributions_[owner] = std::move(entry);
  refreshProblems(owner);
  for (const auto& key : keys) {  // owners this Service displaced now carry a conflict problem
    if (const auto it = shadowed_.find(key); it != shadowed_.end()) {
      for (const auto& [other, unused] : it->second) {
        refreshProblems(other);
      }
    }
  }
  return touched;
}

std::set<VirtualServiceKey> DesiredBuilder::erase(const ObjectKey& owner) {
  std::set<VirtualServiceKey> touched;
  const auto it = contributions_.find(owner);
  if (it == contributions_.end()) {
    return touched;
  }
  const auto keys = std::move(it->second.keys);
  contributions_.erase(it);
  state_.healthCheckNodePorts.erase(owner);
  state_.problems.erase(owner);
  std::set<ObjectKey> affected;
  for (const auto& key : keys) {
    touched.insert(key);
    remove(owner, key);
    if (const auto winner = state_.services.find(key); winner != state_.services.end()) {
      affected.insert(winner->second.origin.key());
    }
    if (const auto losers = shadowed_.find(key); losers != shadowed_.end()) {
      for (const auto& [loser, unused] : losers->second) {
        affected.insert(loser);  // their conflict problem names the winner, which may have changed
      }
    }
  }
  for (const auto& other : affected) {
    refreshProblems(other);
  }
  return touched;
}

std::vector<ObjectKey> DesiredBuilder::serviceKeys() const {
  std::vector<ObjectKey> keys;
  keys.reserve(contributions_.size());
  for (const auto& [key, unused] : contributions_) {
    keys.push_back(key);
  }
  return keys;
}

void DesiredBuilder::insert(const ObjectKey& owner, DesiredVirtualService service) {
  const auto key = service.service.key;
  const auto current = state_.services.find(key);
  if (current == state_.services.end()) {
    bind(service, +1);
    state_.services.emplace(key, std::move(service));
    return;
  }
  const auto winner = current->second.origin.key();
  if (owner < winner) {
    bind(current->second, -1);
    shadowed_[key].emplace(winner, std::move(current->second));
    bind(service, +1);
    current->second = std::move(service);
  } else {
    shadowed_[key].emplace(owner, std::move(service));
  }
}

void DesiredBuilder::remove(const ObjectKey& owner, const VirtualServiceKey& key) {
  const auto current = state_.services.find(key);
  if (current != state_.services.end() && current->second.origin.key() == owner) {
    bind(current->second, -1);
    state_.services.erase(current);
    const auto losers = shadowed_.find(key);
    if (losers != shadowed_.end() && !losers->second.empty()) {
      auto next = losers->second.begin();  // the smallest remaining owner takes over
      bind(next->second, +1);
      state_.services.emplace(key, std::move(next->second));
      losers->second.erase(next);
    }
  } else if (const auto losers = shadowed_.find(key); losers != shadowed_.end()) {
    losers->second.erase(owner);
  }
  if (const auto losers = shadowed_.find(key); losers != shadowed_.end() && losers->second.empty()) {
    shadowed_.erase(losers);
  }
}

void DesiredBuilder::bind(const DesiredVirtualService& service, int delta) {
  if (!service.bindAddress) {
    return;
  }
  const auto& address = service.service.key.address;
  auto& count = bindCount_[address];
  count += delta;
  if (count > 0) {
    state_.boundAddresses.insert(address);
  } else {
    bindCount_.erase(address);
    state_.boundAddresses.erase(address);
  }
}

void DesiredBuilder::refreshProblems(const ObjectKey& owner) {
  const auto it = contributions_.find(owner);
  if (it == contributions_.end()) {
    return;
  }
  auto problems = it->second.problems;
  for (const auto& key : it->second.keys) {
    const auto winner = state_.services.find(key);
    if (winner != state_.services.end() && winner->second.origin.key() != owner) {
      problems.push_back("virtual service " + key.toString() + " is also derived from " +
                         winner->second.origin.key().toString() + ", which takes precedence");
    }
  }
  if (problems.empty()) {
    state_.problems.erase(owner);
  } else {
    state_.problems[owner] = std::move(problems);
  }
}

NodeContext withSnapshotDefaults(NodeContext node, const ClusterSnapshot& snapshot) {
  if (node.zone.empty() && snapshot.node) {
    node.zone = snapshot.node->zone();
  }
  return node;
}

DesiredState computeDesired(const ClusterSnapshot& snapshot, const NodeContext& node) {
  const auto context = withSnapshotDefaults(node, snapshot);
  DesiredBuilder builder;
  static const std::vector<EndpointSlice> kNoSlices;
  for (const auto& [key, service] : snapshot.services) {
    const auto slices = snapshot.slicesByService.find(key);
    builder.set(computeService(service, slices == snapshot.slicesByService.end() ? kNoSlices : slices->second,
                               context));
  }
  return builder.state();
}

}  // namespace kipvs::core
