// Watch framing and decoding against the fake API server (watch edge cases 1-11, 47).

#include <gtest/gtest.h>

#include "script_helpers.hpp"

namespace kipvs::k8s::testing {
namespace {

// watch edge case 1: several events in one HTTP chunk.
TEST(WatchFraming, SeveralEventsInOneChunk) {
  Harness h;
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(added(svc("x1"), 201) + added(svc("x2"), 202) + added(svc("x3"), 203));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return hasService(h, "x1") && hasService(h, "x2") && hasService(h, "x3"); }));
  ASSERT_TRUE(h.waitUntil([&] { return watchesFrom(h, ResourceKind::Service, "203") > 0; }));
}

// watch edge case 2: one event split across many chunks, inside a UTF-8 sequence and inside a string escape.
TEST(WatchFraming, EventSplitIntoTinyChunks) {
  Harness h;
  const std::string event =
      added(serviceJson("shop", "split", "10.96.1.9", {{"note", "caf\xC3\xA9 \\\"q\\\" \\u00e9"}}), 201);
  h.setScript(scripted(serviceWatch(), [&](const FakeRequest&, Responder& out) {
    out.beginChunked();
    for (std::size_t i = 0; i < event.size(); i += 2) {
      out.chunk(event.substr(i, 2));
    }
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return hasService(h, "split"); }));
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().snapshot().services.at({"shop", "split"}).meta.labels.at("note"),
            "caf\xC3\xA9 \"q\" \xC3\xA9");
}

// watch edge case 3: events separated by "\n", "\r\n" and nothing at all.
TEST(WatchFraming, AnySeparatorBetweenEvents) {
  Harness h;
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    std::string a = added(svc("x1"), 201);
    std::string b = added(svc("x2"), 202);
    a.back() = '\r';
    b.pop_back();
    out.beginChunked();
    out.chunk(a + "\n" + b + added(svc("x3"), 203));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return hasService(h, "x1") && hasService(h, "x2") && hasService(h, "x3"); }));
}

// watch edge case 4: connection cut mid-object: the half event is dropped, the re-watch starts from the last
// complete event's RV.
TEST(WatchFraming, PartialEventAtStreamEndIsDropped) {
  Harness h;
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    const std::string second = modified(svc("x1", "10.96.7.7"), 202);
    out.beginChunked();
    out.chunk(added(svc("x1"), 201));
    out.raw("40\r\n" + second.substr(0, 30));  // a chunk announced, then the connection dies
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return watchesFrom(h, ResourceKind::Service, "201") > 0; }));
  const std::lock_guard lock(h.mutex);
  ASSERT_TRUE(hasService(h, "x1"));
  EXPECT_EQ(h.subscription->cache().snapshot().services.at({"shop", "x1"}).clusterIPs[0].toString(),
            "10.96.1.1");
  EXPECT_GE(h.source->watcher(ResourceKind::Service)->stats().partialDropped.load(), 1U);
}

// watch edge case 5: very large events (a slice with 14,000 endpoints, > 1 MiB) and many list pages.
TEST(WatchFraming, VeryLargeEventsAndLists) {
  Harness h;
  for (int i = 0; i < 40; ++i) {
    h.cluster.upsert(ResourceKind::Service,
                     serviceJson("shop", "s" + std::to_string(i), "10.96.2." + std::to_string(i)));
  }
  std::vector<std::string> ips;
  ips.reserve(14000);
  for (int i = 0; i < 14000; ++i) {
    ips.push_back("10.245." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1));
  }
  const std::string big = sliceJson("shop", "s0-big", "s0", ips);
  ASSERT_GT(big.size(), 1U << 20);
  h.start();
  ASSERT_TRUE(h.converged());
  h.cluster.upsert(ResourceKind::EndpointSlice, big);
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().snapshot().slicesByService.at({"shop", "s0"})[0].endpoints.size(),
            14000U);
}

// watch edge case 7: unknown fields and enum values in a watched object never fail the stream.
TEST(WatchFraming, UnknownFieldsAndEnumsAreIgnored) {
  Harness h;
  std::string odd = svc("odd");
  odd.insert(odd.find("\"spec\":{") + 8,
             R"("futureField":{"a":[1,{"b":null}]},"trafficDistribution":"PreferMars",)");
  h.setScript(scripted(serviceWatch(), [&](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(added(odd, 201) + added(svc("next"), 202));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return hasService(h, "odd") && hasService(h, "next"); }));
}

// watch edge case 8: an unknown event type is a protocol error: relist.
TEST(WatchFraming, UnknownEventTypeRelists) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.chunk(eventJson("RESYNC", render(svc("web"), 300)));
    out.endChunked();
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.requests([](auto& r) { return Harness::isList(r, ResourceKind::Service); }) >= 2; }));
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_GE(h.failuresOf(FailureReason::ProtocolError), 1U);
}

// watch edge case 9: a BOOKMARK with zero-valued body only moves the resume RV; the cache is unchanged.
TEST(WatchFraming, BookmarkOnlyMovesTheResourceVersion) {
  Harness h;
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  h.setScript(scripted([](auto& r) { return Harness::isWatch(r, ResourceKind::EndpointSlice); },
                       [](const FakeRequest&, Responder& out) {
                         out.beginChunked();
                         out.chunk(bookmarkJson(ResourceKind::EndpointSlice, 555, false));
                         out.endChunked();
                       }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return watchesFrom(h, ResourceKind::EndpointSlice, "555") > 0; }));
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().sliceCount(), 1U);
}

// watch edge case 10 and 40: list items without kind, creationTimestamp null, "endpoints": null.
TEST(WatchFraming, ListItemsWithoutKindAndNullEndpoints) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("idle"));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "idle-a", "idle", {}));
  h.start();
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_TRUE(h.subscription->cache().snapshot().slicesByService.at({"shop", "idle"})[0].endpoints.empty());
}

// watch edge case 11: a response whose Content-Type is not what was asked for is refused and retried.
TEST(WatchFraming, UnexpectedContentTypeIsRetried) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceList(), [](const FakeRequest&, Responder& out) {
    out.respond(200, "<html>proxy login</html>", "text/html");
  }));
  h.start();
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_GE(h.failuresOf(FailureReason::ProtocolError), 1U);
}

// watch edge case 47: gzip-encoded LIST responses; watches are requested uncompressed.
TEST(WatchFraming, GzipListsAndPlainWatches) {
  Harness h;
  h.cluster.gzipLists = true;
  for (int i = 0; i < 5; ++i) {
    h.cluster.upsert(ResourceKind::Service, svc("g" + std::to_string(i)));
  }
  h.start();
  ASSERT_TRUE(h.converged());
  EXPECT_GT(h.requests([](auto& r) { return !r.isWatch() && r.header("accept-encoding") == "gzip"; }), 0U);
  EXPECT_EQ(h.requests([](auto& r) { return r.isWatch() && !r.header("accept-encoding").empty(); }), 0U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
