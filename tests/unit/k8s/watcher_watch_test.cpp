// ResourceWatcher's WATCH side over a scripted transport: framing across pieces, clean and early
// ends, ERROR events, bookmarks, selection changes, retries that escalate to a relist. The same cases
// the k8s tier runs over real HTTP + TLS, here in microseconds on a virtual clock.

#include <gtest/gtest.h>

#include "scripted_transport.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;
using Sleeps = std::vector<milliseconds>;
using Versions = std::vector<std::string>;

std::vector<WatchEvent> watchEvents(const ScriptedWatch& w) {
  std::vector<WatchEvent> out;
  for (const SourceEvent& e : w.ofType(SourceEvent::Type::Watch)) {
    out.push_back(e.event);
  }
  return out;
}

std::vector<std::string> listVersions(const ScriptedWatch& w) {
  std::vector<std::string> out;
  for (const std::string& t : w.transport.targets) {
    if (!isWatch(t)) {
      out.push_back(param(t, "resourceVersion"));
    }
  }
  return out;
}

TEST(WatcherWatch, CleanCloseRewatchesAtOnceFromTheLastVersionWithoutARelist) {
  ScriptedWatch w;
  w.transport.script = {
      listReply(10, {}),
      watchReply({event("ADDED", serviceJson("b", 11)), event("MODIFIED", serviceJson("b", 12))}),
      watchReply({})};
  w.run();
  EXPECT_EQ(w.watchesFrom(), (Versions{"10", "12", "12"}));
  EXPECT_EQ(listVersions(w).size(), 1U);
  EXPECT_TRUE(w.timing.sleeps.empty());
  ASSERT_EQ(watchEvents(w).size(), 2U);
  EXPECT_EQ(watchEvents(w)[1].type, EventType::Modified);
}

TEST(WatcherWatch, AsksForBookmarksWithAJitteredTimeoutAndAReadDeadlineBeyondIt) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {})};
  w.run();
  const std::string& target = w.transport.targets.at(1);
  EXPECT_EQ(param(target, "allowWatchBookmarks"), "true");
  EXPECT_EQ(param(target, "timeoutSeconds"), "450");  // 300 s + 300 s × jitter 0.5
  EXPECT_EQ(w.transport.requestOptions.at(1).idleTimeout, std::chrono::seconds(450) + milliseconds(30000));
  EXPECT_FALSE(w.transport.requestOptions.at(1).acceptGzip);
}

TEST(WatcherWatch, EmptyWatchesClosingAtOnceBackOffAndRelistFromTheLastVersion) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {}), watchReply({}, milliseconds(0)),
                        listReply(10, {}), watchReply({}, milliseconds(0)),
                        listReply(10, {}), watchReply({}, milliseconds(0))};
  w.run();
  EXPECT_EQ(w.timing.sleeps, (Sleeps{milliseconds(1200), milliseconds(2400), milliseconds(4800)}));
  EXPECT_EQ(listVersions(w), (Versions{"0", "10", "10", "10"}));
}

TEST(WatcherWatch, EventsSharingOrSplittingPiecesAreFramedExactly) {
  ScriptedWatch w;
  const std::string split =
      event("ADDED", serviceJson("c", 13, "\"note\":\"caf\xc3\xa9 \\\"q\\\" \\u00e9\""));
  std::vector<std::string> pieces{event("ADDED", serviceJson("a", 11)) + "\r\n" +
                                  R"({"type":"ADDED","object":)" + serviceJson("b", 12) + "}"};
  for (const char c : split) {
    pieces.emplace_back(1, c);  // byte by byte: inside the UTF-8 sequence and the escapes too
  }
  w.transport.script = {listReply(10, {}), watchReply(pieces)};
  w.run();
  const auto events = watchEvents(w);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].resourceVersion, "11");
  EXPECT_EQ(events[1].resourceVersion, "12");
  EXPECT_EQ(events[2].resourceVersion, "13");
  EXPECT_EQ(w.watchesFrom().back(), "13");
}

TEST(WatcherWatch, LargeEventIsDecodedWhole) {
  ScriptedWatch w;
  std::string big = serviceJson("big", 11, R"("note":")" + std::string(1536U << 10, 'x') + R"(")");
  std::vector<std::string> pieces;
  const std::string document = event("ADDED", big);
  for (std::size_t at = 0; at < document.size(); at += 65536) {
    pieces.push_back(document.substr(at, 65536));
  }
  w.transport.script = {listReply(10, {}), watchReply(pieces)};
  w.run();
  ASSERT_EQ(watchEvents(w).size(), 1U);
  EXPECT_EQ(w.watchesFrom().back(), "11");
}

TEST(WatcherWatch, CutStreamDropsThePartialEventAndRewatchesFromTheLastWholeOne) {
  ScriptedWatch w;
  const std::string partial = event("ADDED", serviceJson("c", 12));
  w.transport.script = {
      listReply(10, {}),
      bodyReply({event("ADDED", serviceJson("b", 11)), partial.substr(0, 40)}, Reply::End::Cut)};
  w.run();
  ASSERT_EQ(watchEvents(w).size(), 1U);
  EXPECT_EQ(w.watcher->stats().partialDropped.load(), 1U);
  EXPECT_EQ(w.failures(FailureReason::ConnectionFailure), 1U);
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(1200)});
  EXPECT_EQ(w.watchesFrom(), (Versions{"10", "11"}));
  EXPECT_EQ(listVersions(w).size(), 1U);
}

TEST(WatcherWatch, ErrorExpiredEventRelistsFromTheLatestAfterABackoff) {
  for (const char* reason : {"Expired", "Gone"}) {
    ScriptedWatch w;
    w.transport.script = {
        listReply(10, {}),
        watchReply({event("ADDED", serviceJson("phantom", 100)),
                    event("ERROR", statusJson(410, reason, "too old resource version: 90 (100)"))}),
        listReply(120, {})};
    w.run();
    EXPECT_EQ(listVersions(w), (Versions{"0", ""})) << reason;
    EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(1200)}) << reason;
    EXPECT_EQ(w.failures(FailureReason::Expired), 1U) << reason;
    EXPECT_EQ(w.watchesFrom(), (Versions{"10", "120"})) << reason;
  }
}

TEST(WatcherWatch, Http410AnsweringTheWatchRelistsFromTheLatest) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {}), statusReply(410, "Expired", "too old resource version"),
                        listReply(120, {})};
  w.run();
  EXPECT_EQ(listVersions(w), (Versions{"0", ""}));
  EXPECT_EQ(w.watcher->stats().expired.load(), 1U);
}

TEST(WatcherWatch, ErrorTooLargeEventWaitsRetryAfterAndRelistsFromTheLatest) {
  ScriptedWatch w;
  w.transport.script = {
      listReply(10, {}),
      watchReply(
          {event("ERROR",
                 statusJson(504, "Timeout", "Too large resource version",
                            R"({"causes":[{"reason":"ResourceVersionTooLarge"}],"retryAfterSeconds":3})"))}),
      listReply(11, {})};
  w.run();
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(3000)});
  EXPECT_EQ(listVersions(w), (Versions{"0", ""}));
}

TEST(WatcherWatch, OtherErrorEventsAndUnknownTypesRelistFromTheLastVersion) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {}),
                        watchReply({event("ADDED", serviceJson("b", 11)),
                                    event("ERROR", statusJson(500, "InternalError", "boom"))}),
                        listReply(11, {}), watchReply({event("SURPRISE", serviceJson("b", 12))}),
                        listReply(11, {})};
  w.run();
  EXPECT_EQ(listVersions(w), (Versions{"0", "11", "11"}));
  EXPECT_EQ(w.failures(FailureReason::ServerError), 1U);
  EXPECT_EQ(w.failures(FailureReason::ProtocolError), 1U);
  // The second failure comes after a five-minute watch: the backoff has reset (2 minutes quiet).
  EXPECT_EQ(w.timing.sleeps, (Sleeps{milliseconds(1200), milliseconds(1200)}));
}

TEST(WatcherWatch, GarbageOrAForeignContentTypeRelists) {
  ScriptedWatch w;
  w.transport.script = {
      listReply(10, {}), watchReply({"xyz"}), listReply(10, {}),
      bodyReply({}, Reply::End::Complete, "application/vnd.kubernetes.protobuf;stream=watch"),
      listReply(10, {})};
  w.run();
  EXPECT_EQ(w.failures(FailureReason::ProtocolError), 2U);
  EXPECT_EQ(listVersions(w).size(), 3U);
}

TEST(WatcherWatch, ServerErrorsRewatchWithBackoffThenEscalateToARelist) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {})};
  for (int i = 0; i < 6; ++i) {
    w.transport.script.push_back(statusReply(500, "InternalError", "etcd leader changed"));
  }
  w.transport.script.push_back(listReply(10, {}));
  w.run();
  EXPECT_EQ(w.timing.sleeps, (Sleeps{milliseconds(1200), milliseconds(2400), milliseconds(4800),
                                     milliseconds(9600), milliseconds(19200), milliseconds(30000)}));
  EXPECT_EQ(w.watchesFrom(), (Versions{"10", "10", "10", "10", "10", "10", "10"}));
  EXPECT_EQ(listVersions(w), (Versions{"0", "10"}));
}

TEST(WatcherWatch, ThrottledWatchStartHonoursRetryAfterAndRewatches) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {}), plainStatus(429, 7, "slow down")};
  w.run();
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(7000)});
  EXPECT_EQ(w.watchesFrom(), (Versions{"10", "10"}));
  EXPECT_EQ(w.failures(FailureReason::Throttled), 1U);
}

TEST(WatcherWatch, UnauthorizedWatchRereadsCredentialsAndRelists) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {}), statusReply(401, "Unauthorized", "Unauthorized"),
                        listReply(10, {})};
  w.run();
  EXPECT_EQ(w.transport.credentialResets, 1);
  EXPECT_EQ(listVersions(w), (Versions{"0", "10"}));
}

TEST(WatcherWatch, BookmarksOnlyMoveTheVersion) {
  ScriptedWatch w;
  const std::string zeroValued = event(
      "BOOKMARK",
      R"({"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"20","creationTimestamp":null},"spec":{"ports":null}})");
  // An annotated bookmark on a plain watch (server-side defaulting) is only a bookmark too.
  w.transport.script = {listReply(10, {}), watchReply({zeroValued}, milliseconds(0)),
                        watchReply({bookmark(30, true)})};
  w.run();
  EXPECT_TRUE(watchEvents(w).empty());
  EXPECT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  EXPECT_EQ(w.watchesFrom(), (Versions{"10", "20", "30"}));
  EXPECT_EQ(w.watcher->stats().bookmarks.load(), 2U);
  EXPECT_TRUE(w.timing.sleeps.empty());  // a bookmark is a sign of life: not a "very short" watch
}

TEST(WatcherWatch, ObjectLeavingTheSelectionArrivesAsDeleted) {
  WatcherOptions options = ScriptedWatch::fastOptions();
  options.accept = [](const core::ObjectMeta& meta) { return acceptsProxyName(meta, ""); };
  ScriptedWatch w(options);
  w.transport.script = {
      listReply(10, {serviceJson("a", 9)}),
      watchReply(
          {event("MODIFIED", serviceJson("a", 11, R"("service.kubernetes.io/service-proxy-name":"x")")),
           event("ADDED", serviceJson("b", 12))})};
  w.run();
  const auto events = watchEvents(w);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, EventType::Deleted);
  EXPECT_EQ(events[0].resourceVersion, "11");
  EXPECT_EQ(events[1].type, EventType::Added);
}

TEST(WatcherWatch, MalformedObjectIsRejectedAloneAndTheStreamGoesOn) {
  ScriptedWatch w;
  std::string badPort = serviceJson("bad", 11);
  badPort.replace(badPort.find(R"("port":80)"), 9, R"("port":70000)");
  w.transport.script = {listReply(10, {}),
                        watchReply({event("ADDED", badPort), event("ADDED", serviceJson("good", 12))})};
  w.run();
  const auto events = watchEvents(w);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_TRUE(events[0].rejected.has_value());
  EXPECT_TRUE(events[1].object.has_value());
  EXPECT_TRUE(w.timing.sleeps.empty());
}

TEST(WatcherWatch, StopEndsTheRunWithoutAFailure) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {})};
  w.run();
  EXPECT_EQ(w.ofType(SourceEvent::Type::Failure).size(), 0U);
  EXPECT_EQ(w.watcher->stats().failures.load(), 0U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
