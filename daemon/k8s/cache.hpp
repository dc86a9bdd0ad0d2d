#pragma once

// The cluster cache: the decoded Services, EndpointSlices and this node's Node, kept directly as a
// core::ClusterSnapshot (slices joined to Services by kubernetes.io/service-name) so the core can
// be handed a consistent view by reference after every change, plus the per-Service delta.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "k8s/decode.hpp"

namespace kipvs::k8s {

// What one batch of changes touched.
struct Delta {
  std::set<core::ObjectKey> services;   // Services whose object or slices changed (added, updated, removed)
  std::set<core::ObjectKey> recreated;  // of those: replaced by an object with a new UID (delete + add)
  bool nodeChanged = false;
  // Objects changed (kube-proxy's service and endpoint changes): Services, EndpointSlices.
  std::uint64_t serviceChanges = 0;
  std::uint64_t endpointChanges = 0;
  // endpoints.kubernetes.io/last-change-trigger-time of the EndpointSlices changed (Unix ms), when
  // they carry one: for kubeproxy_network_programming_duration_seconds.
  std::vector<std::int64_t> endpointTriggerTimesMs;

  bool empty() const { return services.empty() && !nodeChanged; }
  void merge(const Delta& other);
};

struct CacheCounters {
  std::uint64_t applied = 0;         // objects added/updated/deleted
  std::uint64_t duplicates = 0;      // identical redelivery (no change)
  std::uint64_t stale = 0;           // older resourceVersion than cached: ignored
  std::uint64_t rejected = 0;        // malformed objects (their key is removed from the cache)
  std::uint64_t unknownDeletes = 0;  // DELETED for an object never seen
  std::uint64_t relists = 0;
};

// Compares resourceVersions as Kubernetes 1.35 defines them (KEP-5504): decimal integers, shorter is
// smaller. nullopt when either is not such an integer (older servers are opaque: compare nothing).
std::optional<int> compareResourceVersions(const std::string& a, const std::string& b);

class ClusterCache {
 public:
  // ADDED / MODIFIED (upsert) or DELETED of one decoded object.
  void apply(EventType type, const Object& object, Delta& delta);
  // A malformed object: whatever was cached under its key is no longer the server's truth.
  void reject(ResourceKind kind, const Rejected& rejected, Delta& delta);
  // A complete relist of one resource: replaces that resource's state atomically; cached objects
  // missing from the list are deleted (final state unknown). `listResourceVersion` guards against a
  // lagging API server rolling newer state back. The items are taken: at 10k Services the cache keeps
  // the decoded objects instead of copying them (~30 MiB less at the first list).
  void replace(ResourceKind kind, std::vector<Object> items, const std::vector<Rejected>& rejected,
               const std::string& listResourceVersion, Delta& delta);

  const core::ClusterSnapshot& snapshot() const { return snapshot_; }
  const CacheCounters& counters() const { return counters_; }
  std::size_t sliceCount() const { return sliceOwners_.size(); }

 private:
  struct SliceOwner {
    core::ObjectKey service;  // name empty: not joined (no service-name label, or FQDN)
    std::string resourceVersion;
  };

  void upsertService(core::Service service, Delta& delta);
  void removeService(const core::ObjectKey& key, Delta& delta);
  void upsertSlice(core::EndpointSlice slice, Delta& delta);
  void removeSlice(const core::ObjectKey& key, Delta& delta);
  void upsertNode(const core::Node& node, Delta& delta);
  bool isStale(const std::string& cached, const std::string& incoming);
  std::vector<core::ObjectKey> keysOf(ResourceKind kind) const;
  const std::string* cachedVersion(ResourceKind kind, const core::ObjectKey& key) const;

  core::ClusterSnapshot snapshot_;
  std::map<core::ObjectKey, SliceOwner> sliceOwners_;  // every slice seen, joined or not
  CacheCounters counters_;
};

}  // namespace kipvs::k8s
