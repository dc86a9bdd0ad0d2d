// Watch-list, bookmarks, duplicates and selectors against the fake API server
// (watch edge cases 20-27, 30).

#include <gtest/gtest.h>

#include "script_helpers.hpp"

namespace kipvs::k8s::testing {
namespace {

SourceOptions withWatchList() {
  SourceOptions options = Harness::fastOptions();
  options.watchList = true;
  return options;
}

std::size_t serviceLists(const Harness& h) {
  return h.requests([](auto& r) { return Harness::isList(r, ResourceKind::Service); });
}

// watch edge case 21: watch-list served: state swapped at the annotated bookmark, no LIST at all.
TEST(WatchList, SwapsStateAtTheInitialEventsEndBookmark) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  h.start(withWatchList());
  ASSERT_TRUE(h.converged());
  h.cluster.upsert(ResourceKind::Service, svc("api"));
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(serviceLists(h), 0U);
}

// watch edge case 20: initial events with non-monotonic RVs are not an error.
TEST(WatchList, InitialEventsWithUnorderedResourceVersions) {
  Harness h;
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(added(svc("x1"), 8467) + added(svc("x2"), 5726) +
              bookmarkJson(ResourceKind::Service, 9000, true) + modified(svc("x1", "10.96.9.9"), 9001));
    out.endChunked();
  }));
  h.start(withWatchList());
  ASSERT_TRUE(h.waitUntil([&] {
    return hasService(h, "x2") && hasService(h, "x1") &&
           h.subscription->cache().snapshot().services.at({"shop", "x1"}).clusterIPs[0].toString() ==
               "10.96.9.9";
  }));
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.failures.size(), 0U);
}

// watch edge case 21: 422 (WatchList gate off, 1.30/1.31/1.33) ⇒ LIST instead.
TEST(WatchList, GateOffFallsBackToList) {
  Harness h;
  h.cluster.watchListEnabled = false;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.start(withWatchList());
  ASSERT_TRUE(h.converged());
  EXPECT_GE(serviceLists(h), 1U);
  EXPECT_GE(h.source->watcher(ResourceKind::Service)->stats().watchListFallbacks.load(), 1U);
}

// watch edge case 21: ERROR 500 "RequestWatchProgress disabled", and a stream that ends without the bookmark,
// both fall back to LIST (never hang, never apply the half-received initial state).
TEST(WatchList, ErrorOrMissingBookmarkFallsBackToList) {
  for (const bool error : {true, false}) {
    Harness h;
    h.cluster.upsert(ResourceKind::Service, svc("web"));
    h.setScript(scripted(serviceWatch(), [&](const FakeRequest&, Responder& out) {
      out.beginChunked();
      out.chunk(added(svc("partial"), 100));
      if (error) {
        out.chunk(eventJson("ERROR",
                            statusJson(500, "InternalError",
                                       "a watch stream was requested by the client but the required storage "
                                       "feature RequestWatchProgress is disabled")));
      }
      out.endChunked();
    }));
    h.start(withWatchList());
    ASSERT_TRUE(h.converged()) << error;
    EXPECT_FALSE(hasService(h, "partial"));
    EXPECT_GE(serviceLists(h), 1U);
  }
}

// watch edge case 22: an unsolicited annotated bookmark on a plain watch is tolerated (RV only).
TEST(WatchList, UnsolicitedInitialEventsEndBookmarkOnPlainWatch) {
  Harness h;
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(bookmarkJson(ResourceKind::Service, 100, true) + added(svc("x1"), 101));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(
      h.waitUntil([&] { return hasService(h, "x1") && watchesFrom(h, ResourceKind::Service, "101") > 0; }));
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.failures.size(), 0U);
}

// watch edge case 23: the same object at the same RV delivered again (after a reconnect) changes nothing.
TEST(WatchList, DuplicateDeliveryIsIdempotent) {
  Harness h;
  const std::string rv = h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceWatch(), [&](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(added(svc("web"), std::stoull(rv)) + modified(svc("web"), std::stoull(rv)));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(
      h.waitUntil([&] { return h.subscription && h.subscription->cache().counters().duplicates >= 2; }));
  const std::lock_guard lock(h.mutex);
  EXPECT_TRUE(h.deltas.empty());
}

// watch edge case 24: DELETED for an object never seen.
TEST(WatchList, DeleteOfAnUnseenObject) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(deleted(svc("ghost"), 150) + added(svc("after"), 151));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return hasService(h, "after"); }));
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().counters().unknownDeletes, 1U);
}

// watch edge case 25: labelled for another proxy ⇒ arrives as DELETED (leaves the selector); unlabelled
// again ⇒ ADDED. Slices carry the copied label too.
TEST(WatchList, ObjectsLeavingAndEnteringTheSelector) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  h.start();
  ASSERT_TRUE(h.converged());
  const core::Labels other{{"service.kubernetes.io/service-proxy-name", "other"}};
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "web", "10.96.1.1", other));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}, other));
  ASSERT_TRUE(
      h.waitUntil([&] { return !hasService(h, "web") && h.subscription->cache().sliceCount() == 0; }));
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  ASSERT_TRUE(h.converged());
  EXPECT_TRUE(hasService(h, "web"));
}

// kube-proxy's selector: with a proxy name, Services labelled for kipvs are picked up, those for others are
// not.
TEST(WatchList, ProxyNameSelectsServicesLabelledForKipvs) {
  Harness h;
  h.cluster.upsert(
      ResourceKind::Service,
      serviceJson("shop", "ours", "10.96.1.2", {{"service.kubernetes.io/service-proxy-name", "kipvs"}}));
  h.cluster.upsert(
      ResourceKind::Service,
      serviceJson("shop", "theirs", "10.96.1.3", {{"service.kubernetes.io/service-proxy-name", "other"}}));
  h.cluster.upsert(ResourceKind::Service, svc("plain"));
  SourceOptions options = Harness::fastOptions();
  options.proxyName = "kipvs";
  h.start(options);
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.subscription->synced() && hasService(h, "ours") && hasService(h, "plain"); }));
  EXPECT_EQ(
      h.requests([](auto& r) { return r.param("labelSelector") == "!service.kubernetes.io/headless"; }) > 0,
      true);
  h.cluster.upsert(
      ResourceKind::Service,
      serviceJson("shop", "ours", "10.96.1.2", {{"service.kubernetes.io/service-proxy-name", "other"}}));
  ASSERT_TRUE(h.waitUntil([&] { return !hasService(h, "ours"); }));
  EXPECT_FALSE(hasService(h, "theirs"));
}

// watch edge cases 26, 27, 30 end to end: slices before their Service, a Service recreated with a new UID, a
// slice moving to another Service.
TEST(WatchList, JoinsFollowTheServerThroughRecreationAndMoves) {
  Harness h;
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  h.start();
  ASSERT_TRUE(h.converged());
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.cluster.upsert(ResourceKind::Service, svc("api", "10.96.1.4"));
  ASSERT_TRUE(h.converged());
  h.cluster.remove(ResourceKind::Service, "shop", "web");
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "web", "10.96.1.77", {}, "uid-new"));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "api", {"10.244.1.5"}));
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().snapshot().services.at({"shop", "web"}).meta.uid, "uid-new");
  EXPECT_EQ(h.subscription->cache().snapshot().slicesByService.count({"shop", "web"}), 0U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
