// The cluster cache: joins, deltas, relists (kube-proxy pkg/proxy/endpointslicecache.go, watch edge cases
// 18-31, 40).

#include "k8s/cache.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"

namespace kipvs::k8s {
namespace {

using testing::service;
using testing::slice;

const core::ObjectKey kWeb{"shop", "web"};
const core::ObjectKey kApi{"shop", "api"};

std::vector<std::string> sliceNames(const ClusterCache& cache, const core::ObjectKey& key) {
  std::vector<std::string> names;
  const auto it = cache.snapshot().slicesByService.find(key);
  if (it != cache.snapshot().slicesByService.end()) {
    for (const auto& s : it->second) {
      names.push_back(s.meta.name);
    }
  }
  return names;
}

// watch edge case 26: slices before their Service, and the Service deleted before its slices.
TEST(ClusterCache, JoinsSlicesThatArriveBeforeTheirService) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, slice("web-b", "web", "5"), delta);
  cache.apply(EventType::Added, slice("web-a", "web", "6"), delta);
  EXPECT_EQ(delta.services, std::set{kWeb});
  cache.apply(EventType::Added, service("web", "7"), delta);
  EXPECT_EQ(sliceNames(cache, kWeb), (std::vector<std::string>{"web-a", "web-b"}));
  Delta removal;
  cache.apply(EventType::Deleted, service("web", "8"), removal);
  EXPECT_EQ(removal.services, std::set{kWeb});
  EXPECT_EQ(cache.snapshot().services.count(kWeb), 0U);
  EXPECT_EQ(sliceNames(cache, kWeb).size(), 2U);  // the slices go when the API deletes them
}

// watch edge case 27: a Service recreated with a new UID is reported as recreated (delete + add).
TEST(ClusterCache, ReportsAServiceRecreatedWithANewUid) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "5", "uid-1", "10.96.0.10"), delta);
  Delta recreate;
  cache.apply(EventType::Modified, service("web", "9", "uid-2", "10.96.0.99"), recreate);
  EXPECT_EQ(recreate.recreated, std::set{kWeb});
  EXPECT_EQ(cache.snapshot().services.at(kWeb).clusterIPs[0].toString(), "10.96.0.99");
  // Collapsed into one relist.
  Delta relist;
  cache.replace(ResourceKind::Service, {service("web", "12", "uid-3")}, {}, "12", relist);
  EXPECT_EQ(relist.recreated, std::set{kWeb});
}

// watch edge case 23: the same object (same RV) delivered twice changes nothing.
TEST(ClusterCache, DuplicateDeliveryIsIdempotent) {
  ClusterCache cache;
  Delta first;
  cache.apply(EventType::Added, service("web", "5"), first);
  cache.apply(EventType::Added, slice("web-a", "web", "6"), first);
  Delta second;
  cache.apply(EventType::Modified, service("web", "5"), second);
  cache.apply(EventType::Modified, slice("web-a", "web", "6"), second);
  EXPECT_TRUE(second.empty());
  EXPECT_EQ(cache.counters().duplicates, 2U);
}

// watch edge case 24: DELETED for an object never seen.
TEST(ClusterCache, DeleteOfAnUnknownObjectIsCountedNotFatal) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Deleted, service("ghost", "5"), delta);
  cache.apply(EventType::Deleted, slice("ghost-a", "ghost", "6"), delta);
  EXPECT_TRUE(delta.empty());
  EXPECT_EQ(cache.counters().unknownDeletes, 2U);
}

// watch edge case 29: endpoint moves from slice A to slice B, B updated first: never absent in between.
TEST(ClusterCache, EndpointMovingBetweenSlicesIsNeverMissing) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "1"), delta);
  cache.apply(EventType::Added, slice("web-a", "web", "2", {"10.244.1.5", "10.244.1.6"}), delta);
  cache.apply(EventType::Added, slice("web-b", "web", "3", {"10.244.2.5"}), delta);
  const auto present = [&](const char* ip) {
    for (const auto& s : cache.snapshot().slicesByService.at(kWeb)) {
      for (const auto& e : s.endpoints) {
        if (e.addresses[0].toString() == ip) {
          return true;
        }
      }
    }
    return false;
  };
  cache.apply(EventType::Modified, slice("web-b", "web", "4", {"10.244.2.5", "10.244.1.6"}), delta);
  EXPECT_TRUE(present("10.244.1.6"));
  cache.apply(EventType::Modified, slice("web-a", "web", "5", {"10.244.1.5"}), delta);
  EXPECT_TRUE(present("10.244.1.6"));
}

// watch edge case 30: a slice whose service-name label changes moves to the other Service.
TEST(ClusterCache, SliceMovingBetweenServicesLeavesTheOldOne) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, slice("shared", "web", "2"), delta);
  Delta move;
  cache.apply(EventType::Modified, slice("shared", "api", "3"), move);
  EXPECT_EQ(move.services, (std::set{kApi, kWeb}));
  EXPECT_TRUE(sliceNames(cache, kWeb).empty());
  EXPECT_EQ(sliceNames(cache, kApi), std::vector<std::string>{"shared"});
}

// watch edge case 31: no service-name label, or FQDN: tracked but never joined.
TEST(ClusterCache, IgnoresUnlabelledAndFqdnSlices) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, slice("orphan", "", "2"), delta);
  auto fqdn = slice("names", "web", "3");
  fqdn.addressType = core::AddressType::FQDN;
  cache.apply(EventType::Added, fqdn, delta);
  EXPECT_TRUE(cache.snapshot().slicesByService.empty());
  EXPECT_TRUE(delta.services.empty());
  EXPECT_EQ(cache.sliceCount(), 2U);
}

// watch edge case 18: a relist notices deletions that happened while disconnected.
TEST(ClusterCache, RelistDeletesObjectsThatDisappeared) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "5"), delta);
  cache.apply(EventType::Added, service("api", "6"), delta);
  cache.apply(EventType::Added, slice("web-a", "web", "7"), delta);
  Delta relist;
  cache.replace(ResourceKind::Service, {service("web", "5")}, {}, "20", relist);
  cache.replace(ResourceKind::EndpointSlice, {}, {}, "20", relist);
  EXPECT_EQ(relist.services, (std::set{kApi, kWeb}));
  EXPECT_EQ(cache.snapshot().services.size(), 1U);
  EXPECT_TRUE(cache.snapshot().slicesByService.empty());
}

// watch edge case 19: a lagging API server answers the relist with an older collection RV: newer cached state
// is not rolled back.
TEST(ClusterCache, RelistFromALaggingServerDoesNotRollBack) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "100"), delta);
  cache.apply(EventType::Added, service("api", "105"), delta);
  auto older = service("web", "90");
  older.ports[0].port = 81;
  Delta relist;
  cache.replace(ResourceKind::Service, {older}, {}, "95", relist);
  EXPECT_TRUE(relist.empty());
  EXPECT_EQ(cache.snapshot().services.at(kWeb).ports[0].port, 80);
  EXPECT_EQ(cache.snapshot().services.count(kApi), 1U);  // newer than the list: kept
  EXPECT_EQ(cache.counters().stale, 2U);
}

// Rule 5: a malformed update removes the object (its last good state is not the truth any more).
TEST(ClusterCache, RejectedObjectIsRemoved) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "5"), delta);
  Rejected bad{.kind = "Service", .meta = service("web", "6").meta, .reason = "bad port"};
  Delta rejected;
  cache.reject(ResourceKind::Service, bad, rejected);
  EXPECT_EQ(rejected.services, std::set{kWeb});
  EXPECT_TRUE(cache.snapshot().services.empty());
}

// watch edge case 40 and 28/37: empty slices join; two slices (e.g. IPv4 + IPv6, or with a duplicate
// endpoint) both stay joined to the one Service for the core to merge.
TEST(ClusterCache, KeepsEverySliceOfAServiceIncludingEmptyOnes) {
  ClusterCache cache;
  Delta delta;
  auto v6 = slice("web-v6", "web", "3", {"fd00::5"});
  v6.addressType = core::AddressType::IPv6;
  cache.apply(EventType::Added, slice("web-v4", "web", "2", {"10.244.1.5"}), delta);
  cache.apply(EventType::Added, v6, delta);
  cache.apply(EventType::Added, slice("web-dup", "web", "4", {"10.244.1.5"}), delta);
  cache.apply(EventType::Added, slice("web-empty", "web", "5", {}), delta);
  EXPECT_EQ(sliceNames(cache, kWeb), (std::vector<std::string>{"web-dup", "web-empty", "web-v4", "web-v6"}));
}

TEST(ResourceVersion, ComparesAsKubernetes135Defines) {
  EXPECT_EQ(compareResourceVersions("9", "10"), -1);
  EXPECT_EQ(compareResourceVersions("100", "99"), 1);
  EXPECT_EQ(compareResourceVersions("42", "42"), 0);
  EXPECT_FALSE(compareResourceVersions("abc", "10"));
  EXPECT_FALSE(compareResourceVersions("010", "10"));
  EXPECT_FALSE(compareResourceVersions("", "10"));
}

}  // namespace
}  // namespace kipvs::k8s

namespace kipvs::k8s {
namespace {

// kube-proxy's service and endpoint change counters, and the trigger times of changed slices.
TEST(ClusterCache, CountsServiceAndEndpointChangesAndCollectsTriggerTimes) {
  ClusterCache cache;
  Delta delta;
  cache.apply(EventType::Added, service("web", "5"), delta);
  auto withTrigger = slice("web-a", "web", "6");
  withTrigger.meta.annotations["endpoints.kubernetes.io/last-change-trigger-time"] = "2025-10-02T09:01:17Z";
  cache.apply(EventType::Added, withTrigger, delta);
  cache.apply(EventType::Added, slice("web-b", "web", "7"), delta);
  EXPECT_EQ(delta.serviceChanges, 1U);
  EXPECT_EQ(delta.endpointChanges, 2U);
  EXPECT_EQ(delta.endpointTriggerTimesMs, std::vector<std::int64_t>{1759395677000});

  Delta next;
  auto changed = slice("web-a", "web", "8", {"10.244.1.6"});
  changed.meta.annotations["endpoints.kubernetes.io/last-change-trigger-time"] = "2025-10-02T09:01:18Z";
  cache.apply(EventType::Modified, changed, next);                     // an update is one change
  cache.apply(EventType::Modified, slice("web-b", "web", "7"), next);  // a duplicate is none
  cache.apply(EventType::Deleted, service("web", "9"), next);
  EXPECT_EQ(next.serviceChanges, 1U);
  EXPECT_EQ(next.endpointChanges, 1U);
  EXPECT_EQ(next.endpointTriggerTimesMs, std::vector<std::int64_t>{1759395678000});

  delta.merge(next);
  EXPECT_EQ(delta.serviceChanges, 2U);
  EXPECT_EQ(delta.endpointChanges, 3U);
  EXPECT_EQ(delta.endpointTriggerTimesMs.size(), 2U);
  // The annotation served its purpose: the cached slice does not keep it.
  EXPECT_TRUE(cache.snapshot().slicesByService.at(kWeb).front().meta.annotations.empty());
}

}  // namespace
}  // namespace kipvs::k8s
