// LIST/WATCH protocol and resourceVersion handling against the fake API server
// (watch edge cases 6, 12-17, 48).

#include <gtest/gtest.h>

#include "script_helpers.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;

std::size_t serviceLists(const Harness& h) {
  return h.requests([](auto& r) { return Harness::isList(r, ResourceKind::Service); });
}

// watch edge case 12: a clean close at timeoutSeconds re-watches at once from the last RV, without a relist.
TEST(WatchProtocol, CleanCloseRewatchesFromTheLastResourceVersion) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.start();
  ASSERT_TRUE(h.converged());
  h.cluster.upsert(ResourceKind::Service, svc("api"));
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.requests([](auto& r) { return Harness::isWatch(r, ResourceKind::Service); }) >= 2; }));
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(serviceLists(h), 1U);
  EXPECT_TRUE(h.timing->sleeps().empty());
  EXPECT_GE(watchesFrom(h, ResourceKind::Service, std::to_string(h.cluster.resourceVersion())), 1U);
}

// watch edge case 13: watches closing at once with no events back off (0.8 s doubling, jittered) and relist.
TEST(WatchProtocol, ImmediateEmptyClosesBackOffAndRelist) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(
      serviceWatch(),
      [](const FakeRequest&, Responder& out) {
        out.beginChunked();
        out.endChunked();
      },
      3));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return serviceLists(h) >= 4; }));
  const auto sleeps = h.timing->sleeps();
  ASSERT_GE(sleeps.size(), 3U);
  EXPECT_EQ(sleeps[0], milliseconds(1200));  // 800 ms × (1 + jitter 0.5)
  EXPECT_EQ(sleeps[1], milliseconds(2400));
  EXPECT_EQ(sleeps[2], milliseconds(4800));
  ASSERT_TRUE(h.converged());
}

// watch edge case 14: HTTP 200 + ERROR 410 (Expired, or Gone from old servers) mid-stream ⇒ relist with RV
// ""; the event applied before it does not survive if the server's truth disagrees.
TEST(WatchProtocol, ErrorExpiredMidStreamRelists) {
  for (const char* reason : {"Expired", "Gone"}) {
    Harness h;
    h.cluster.upsert(ResourceKind::Service, svc("web"));
    h.setScript(scripted(serviceWatch(), [&](const FakeRequest&, Responder& out) {
      out.beginChunked();
      out.chunk(added(svc("phantom"), 100));
      out.chunk(eventJson("ERROR", statusJson(410, reason, "too old resource version: 90 (100)")));
      out.endChunked();
    }));
    h.start();
    ASSERT_TRUE(h.waitUntil([&] { return serviceLists(h) >= 2; })) << reason;
    ASSERT_TRUE(h.converged()) << reason;
    EXPECT_FALSE(hasService(h, "phantom"));
    EXPECT_GE(h.requests([](auto& r) {
      return Harness::isList(r, ResourceKind::Service) && r.param("resourceVersion").empty() &&
             r.param("continue").empty();
    }),
              1U);
    const std::lock_guard lock(h.mutex);
    EXPECT_GE(h.failuresOf(FailureReason::Expired), 1U);
  }
}

// watch edge case 15: HTTP 410 answering the watch request itself ⇒ relist.
TEST(WatchProtocol, Http410OnWatchStartRelists) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.respond(410, statusJson(410, "Expired", "too old resource version"));
  }));
  h.start();
  ASSERT_TRUE(h.waitUntil([&] { return serviceLists(h) >= 2; }));
  ASSERT_TRUE(h.converged());
}

// watch edge case 16: 410 on an expired continue token (with a new, inconsistent token) restarts the list
// from scratch; the inconsistent token is never used.
TEST(WatchProtocol, ExpiredContinueRestartsTheList) {
  Harness h;
  for (int i = 0; i < 7; ++i) {
    h.cluster.upsert(ResourceKind::Service, svc("s" + std::to_string(i)));
  }
  h.cluster.expireContinues = 1;
  h.start();
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(h.requests([](auto& r) { return r.param("continue") == "inconsistent-token"; }), 0U);
  EXPECT_GE(h.requests([](auto& r) {
    return Harness::isList(r, ResourceKind::Service) && r.param("continue").empty();
  }),
            2U);
}

// watch edge case 48: a list of many pages outliving its continue token: restarted, then fetched unpaginated.
TEST(WatchProtocol, LongPaginatedListFallsBackToOneUnpaginatedList) {
  Harness h;
  for (int i = 0; i < 25; ++i) {
    h.cluster.upsert(ResourceKind::Service, svc("s" + std::to_string(i)));
  }
  auto continues = std::make_shared<std::atomic<int>>(0);
  h.setScript([&, continues](const FakeRequest& r, Responder& out) {
    if (!Harness::isList(r, ResourceKind::Service) || r.param("continue").empty() || ++*continues != 5) {
      return false;
    }
    out.respond(410,
                statusJson(410, "Expired", "continue token too old", R"("continue":"inconsistent-token")"));
    return true;
  });
  h.start();
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(h.requests([](auto& r) { return r.param("continue") == "inconsistent-token"; }), 0U);
  EXPECT_GE(h.requests([](auto& r) {
    return Harness::isList(r, ResourceKind::Service) && r.param("limit").empty();
  }),
            1U);
}

// watch edge case 17: 504 Timeout / ResourceVersionTooLarge ⇒ wait retryAfterSeconds, relist with RV "".
TEST(WatchProtocol, TooLargeResourceVersionWaitsAndRelistsConsistently) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceList(), [](const FakeRequest&, Responder& out) {
    out.respond(
        504,
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Timeout: Too large resource version: 900, current: 101","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":2},"code":504})",
        "application/json", {{"Retry-After", "2"}});
  }));
  h.start();
  ASSERT_TRUE(h.converged());
  const auto sleeps = h.timing->sleeps();
  EXPECT_NE(std::find(sleeps.begin(), sleeps.end(), milliseconds(2000)), sleeps.end());
  EXPECT_GE(h.requests([](auto& r) {
    return Harness::isList(r, ResourceKind::Service) && r.param("resourceVersion").empty();
  }),
            1U);
}

// watch edge case 6 (JSON only): kipvs asks for JSON; a protobuf answer is refused as a protocol error and
// retried, never misparsed.
TEST(WatchProtocol, ProtobufAnswerIsRefused) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceList(), [](const FakeRequest&, Responder& out) {
    out.respond(200, std::string("k8s\0\x0a\x02v1", 8), "application/vnd.kubernetes.protobuf");
  }));
  h.start();
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(h.requests([](auto& r) { return r.header("accept") != "application/json"; }), 0U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
