#include "k8s/cache.hpp"

#include <algorithm>

#include "k8s/decode_fields.hpp"

namespace kipvs::k8s {

namespace {

core::ObjectKey ownerOf(const core::EndpointSlice& slice) {
  if (slice.serviceName.empty() || slice.addressType == core::AddressType::FQDN) {
    return {};  // kube-proxy ignores these (watch edge case 31)
  }
  return {slice.meta.ns, slice.serviceName};
}

}  // namespace

void Delta::merge(const Delta& other) {
  services.insert(other.services.begin(), other.services.end());
  recreated.insert(other.recreated.begin(), other.recreated.end());
  nodeChanged = nodeChanged || other.nodeChanged;
  serviceChanges += other.serviceChanges;
  endpointChanges += other.endpointChanges;
  endpointTriggerTimesMs.insert(endpointTriggerTimesMs.end(), other.endpointTriggerTimesMs.begin(),
                                other.endpointTriggerTimesMs.end());
}

std::optional<int> compareResourceVersions(const std::string& a, const std::string& b) {
  const auto numeric = [](const std::string& s) {
    return !s.empty() && s.size() <= 20 && s[0] != '0' &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!numeric(a) || !numeric(b)) {
    return std::nullopt;
  }
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return a == b ? 0 : (a < b ? -1 : 1);
}

bool ClusterCache::isStale(const std::string& cached, const std::string& incoming) {
  const auto order = compareResourceVersions(incoming, cached);
  if (order && *order < 0) {
    ++counters_.stale;
    return true;
  }
  return false;
}

void ClusterCache::upsertService(core::Service service, Delta& delta) {
  const core::ObjectKey key = service.meta.key();
  auto it = snapshot_.services.find(key);
  if (it != snapshot_.services.end()) {
    if (it->second == service) {
      ++counters_.duplicates;
      return;
    }
    if (isStale(it->second.meta.resourceVersion, service.meta.resourceVersion)) {
      return;
    }
    if (!it->second.meta.uid.empty() && it->second.meta.uid != service.meta.uid) {
      delta.recreated.insert(key);  // watch edge case 27: same name, new object
    }
    it->second = std::move(service);
  } else {
    snapshot_.services.emplace(key, std::move(service));
  }
  ++counters_.applied;
  ++delta.serviceChanges;
  delta.services.insert(key);
}

void ClusterCache::removeService(const core::ObjectKey& key, Delta& delta) {
  if (snapshot_.services.erase(key) == 0) {
    ++counters_.unknownDeletes;
    return;
  }
  ++counters_.applied;
  ++delta.serviceChanges;
  delta.services.insert(key);
}

void ClusterCache::removeSlice(const core::ObjectKey& key, Delta& delta) {
  const auto owner = sliceOwners_.find(key);
  if (owner == sliceOwners_.end()) {
    ++counters_.unknownDeletes;
    return;
  }
  if (!owner->second.service.name.empty()) {
    auto group = snapshot_.slicesByService.find(owner->second.service);
    if (group != snapshot_.slicesByService.end()) {
      std::erase_if(group->second, [&](const core::EndpointSlice& s) { return s.meta.name == key.name; });
      if (group->second.empty()) {
        snapshot_.slicesByService.erase(group);
      }
    }
    delta.services.insert(owner->second.service);
  }
  sliceOwners_.erase(owner);
  ++counters_.applied;
  ++delta.endpointChanges;
}

void ClusterCache::upsertSlice(core::EndpointSlice slice, Delta& delta) {
  // The trigger time goes to the delta, not the cache: it only matters for the sync that follows.
  std::int64_t triggerMs = 0;
  if (const auto trigger = slice.meta.annotations.find(std::string(detail::kLastChangeTriggerTime));
      trigger != slice.meta.annotations.end()) {
    triggerMs = detail::parseRfc3339Ms(trigger->second).value_or(0);  // a bad one only loses a sample
    slice.meta.annotations.erase(trigger);
  }
  const core::ObjectKey key = slice.meta.key();
  const core::ObjectKey service = ownerOf(slice);
  const auto existing = sliceOwners_.find(key);
  if (existing != sliceOwners_.end()) {
    if (isStale(existing->second.resourceVersion, slice.meta.resourceVersion)) {
      return;
    }
    if (existing->second.service == service && !service.name.empty()) {
      auto& group = snapshot_.slicesByService[service];
      const auto at =
          std::find_if(group.begin(), group.end(), [&](const auto& s) { return s.meta.name == key.name; });
      if (at != group.end() && *at == slice) {
        ++counters_.duplicates;  // watch edge case 23: same object delivered twice
        return;
      }
    }
    // Moved between Services (watch edge case 30) or changed: drop the old placement first.
    removeSlice(key, delta);
    --counters_.applied;
    --delta.endpointChanges;  // one change, counted below
  }
  sliceOwners_[key] = {service, slice.meta.resourceVersion};
  ++counters_.applied;
  ++delta.endpointChanges;
  if (triggerMs != 0) {
    delta.endpointTriggerTimesMs.push_back(triggerMs);
  }
  if (service.name.empty()) {
    return;
  }
  auto& group = snapshot_.slicesByService[service];
  // Kept sorted by name so a cache built from events equals one built from a relist.
  const auto at = std::lower_bound(
      group.begin(), group.end(), key.name,
      [](const core::EndpointSlice& s, const std::string& name) { return s.meta.name < name; });
  group.insert(at, std::move(slice));
  delta.services.insert(service);
}

void ClusterCache::upsertNode(const core::Node& node, Delta& delta) {
  if (snapshot_.node && *snapshot_.node == node) {
    ++counters_.duplicates;
    return;
  }
  if (snapshot_.node && snapshot_.node->meta.name == node.meta.name &&
      isStale(snapshot_.node->meta.resourceVersion, node.meta.resourceVersion)) {
    return;
  }
  snapshot_.node = node;
  ++counters_.applied;
  delta.nodeChanged = true;
}

void ClusterCache::apply(EventType type, const Object& object, Delta& delta) {
  const bool remove = type == EventType::Deleted;
  if (const auto* service = std::get_if<core::Service>(&object)) {
    remove ? removeService(service->meta.key(), delta) : upsertService(*service, delta);
  } else if (const auto* slice = std::get_if<core::EndpointSlice>(&object)) {
    remove ? removeSlice(slice->meta.key(), delta) : upsertSlice(*slice, delta);
  } else if (const auto* node = std::get_if<core::Node>(&object)) {
    if (!remove) {
      upsertNode(*node, delta);
    } else if (snapshot_.node) {
      snapshot_.node.reset();
      ++counters_.applied;
      delta.nodeChanged = true;
    } else {
      ++counters_.unknownDeletes;
    }
  }
}

void ClusterCache::reject(ResourceKind kind, const Rejected& rejected, Delta& delta) {
  ++counters_.rejected;
  const core::ObjectKey key = rejected.meta.key();
  if (key.name.empty()) {
    return;
  }
  switch (kind) {
    case ResourceKind::Service:
      if (snapshot_.services.count(key) != 0) {
        removeService(key, delta);
      }
      break;
    case ResourceKind::EndpointSlice:
      if (sliceOwners_.count(key) != 0) {
        removeSlice(key, delta);
      }
      break;
    case ResourceKind::Node:
      if (snapshot_.node && snapshot_.node->meta.name == key.name) {
        snapshot_.node.reset();
        delta.nodeChanged = true;
      }
      break;
  }
}

std::vector<core::ObjectKey> ClusterCache::keysOf(ResourceKind kind) const {
  std::vector<core::ObjectKey> keys;
  switch (kind) {
    case ResourceKind::Service:
      for (const auto& [key, service] : snapshot_.services) {
        keys.push_back(key);
      }
      break;
    case ResourceKind::EndpointSlice:
      for (const auto& [key, owner] : sliceOwners_) {
        keys.push_back(key);
      }
      break;
    case ResourceKind::Node:
      if (snapshot_.node) {
        keys.push_back(snapshot_.node->meta.key());
      }
      break;
  }
  return keys;
}

const std::string* ClusterCache::cachedVersion(ResourceKind kind, const core::ObjectKey& key) const {
  switch (kind) {
    case ResourceKind::Service: {
      const auto it = snapshot_.services.find(key);
      return it == snapshot_.services.end() ? nullptr : &it->second.meta.resourceVersion;
    }
    case ResourceKind::EndpointSlice: {
      const auto it = sliceOwners_.find(key);
      return it == sliceOwners_.end() ? nullptr : &it->second.resourceVersion;
    }
    case ResourceKind::Node:
      return snapshot_.node ? &snapshot_.node->meta.resourceVersion : nullptr;
  }
  return nullptr;
}

void ClusterCache::replace(ResourceKind kind, std::vector<Object> items,
                           const std::vector<Rejected>& rejected, const std::string& listResourceVersion,
                           Delta& delta) {
  ++counters_.relists;
  std::set<core::ObjectKey> listed;
  for (const auto& item : items) {
    listed.insert(metaOf(item).key());
  }
  for (const auto& bad : rejected) {
    listed.insert(bad.meta.key());  // handled by reject() below
  }
  // Deletions that happened while we were not watching (watch edge case 18) — unless the object is newer than
  // the list itself, which happens when a lagging API server answered the relist (watch edge case 19).
  for (const auto& key : keysOf(kind)) {
    if (listed.count(key) != 0) {
      continue;
    }
    const std::string* version = cachedVersion(kind, key);
    const auto order = version ? compareResourceVersions(*version, listResourceVersion) : std::nullopt;
    if (order && *order > 0) {
      ++counters_.stale;
      continue;
    }
    if (kind == ResourceKind::Service) {
      removeService(key, delta);
    } else if (kind == ResourceKind::EndpointSlice) {
      removeSlice(key, delta);
    } else {
      snapshot_.node.reset();
      delta.nodeChanged = true;
    }
  }
  for (const auto& bad : rejected) {
    reject(kind, bad, delta);
  }
  for (auto& item : items) {
    if (auto* service = std::get_if<core::Service>(&item)) {
      upsertService(std::move(*service), delta);
    } else if (auto* slice = std::get_if<core::EndpointSlice>(&item)) {
      upsertSlice(std::move(*slice), delta);
    } else {
      apply(EventType::Modified, item, delta);
    }
  }
  if (kind == ResourceKind::Service) {
    snapshot_.resourceVersion = listResourceVersion;
  }
}

}  // namespace kipvs::k8s
