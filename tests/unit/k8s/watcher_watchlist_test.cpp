// ResourceWatcher's watch-list (sendInitialEvents) over a scripted transport: the state swapped at
// the annotated bookmark, unordered initial versions, every way of falling back to a plain LIST.

#include <gtest/gtest.h>

#include "scripted_transport.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;
using Versions = std::vector<std::string>;

WatcherOptions withWatchList() {
  WatcherOptions options = ScriptedWatch::fastOptions();
  options.watchList = true;
  return options;
}

bool isWatchList(const std::string& target) {
  return param(target, "sendInitialEvents") == "true";
}

std::size_t plainLists(const ScriptedWatch& w) {
  std::size_t n = 0;
  for (const std::string& t : w.transport.targets) {
    n += isWatch(t) ? 0 : 1;
  }
  return n;
}

TEST(WatcherWatchList, InitialEventsAreBufferedUntilTheAnnotatedBookmark) {
  ScriptedWatch w(withWatchList());
  // Initial events carry unordered versions (8467 before 5726): no error, the list's version is the
  // bookmark's.
  w.transport.script = {
      watchReply({event("ADDED", serviceJson("x1", 8467)), event("ADDED", serviceJson("x2", 5726)),
                  bookmark(9000, true), event("MODIFIED", serviceJson("x1", 9001))})};
  w.run();
  const std::string& first = w.transport.targets.at(0);
  EXPECT_TRUE(isWatchList(first));
  EXPECT_EQ(param(first, "resourceVersionMatch"), "NotOlderThan");
  EXPECT_EQ(param(first, "resourceVersion"), "");  // the first sync: the latest, consistent
  ASSERT_EQ(w.posted.size(), 2U);
  EXPECT_EQ(w.posted[0].type, SourceEvent::Type::Listed);
  EXPECT_EQ(w.posted[0].list.items.size(), 2U);
  EXPECT_EQ(w.posted[0].list.resourceVersion, "9000");
  EXPECT_EQ(w.posted[1].type, SourceEvent::Type::Watch);
  EXPECT_EQ(w.watchesFrom(), Versions{"9001"});
  EXPECT_EQ(plainLists(w), 0U);
}

TEST(WatcherWatchList, GateOffFallsBackToAListForGood) {
  ScriptedWatch w(withWatchList());
  w.transport.script = {statusReply(422, "Invalid", "sendInitialEvents is forbidden"), listReply(10, {}),
                        watchReply({}, milliseconds(0)), listReply(10, {})};
  w.run();
  EXPECT_EQ(w.watcher->stats().watchListFallbacks.load(), 1U);
  EXPECT_EQ(w.ofType(SourceEvent::Type::Failure).size(), 1U);  // the very short watch; the 422 is expected
  std::size_t watchLists = 0;
  for (const std::string& t : w.transport.targets) {
    watchLists += isWatchList(t) ? 1 : 0;
  }
  EXPECT_EQ(watchLists, 1U);
  EXPECT_EQ(plainLists(w), 2U);
}

TEST(WatcherWatchList, RequestWatchProgressErrorFallsBackToAList) {
  ScriptedWatch w(withWatchList());
  w.transport.script = {
      watchReply({event("ADDED", serviceJson("x1", 5)),
                  event("ERROR", statusJson(500, "InternalError", "RequestWatchProgress is not supported"))}),
      listReply(10, {serviceJson("x1", 5)})};
  w.run();
  EXPECT_EQ(plainLists(w), 1U);
  EXPECT_TRUE(w.timing.sleeps.empty());
  const auto listed = w.ofType(SourceEvent::Type::Listed);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].list.resourceVersion, "10");  // from the LIST, not the discarded buffer
}

TEST(WatcherWatchList, StreamEndingOrCutBeforeTheBookmarkDiscardsTheBufferAndLists) {
  for (const Reply::End end : {Reply::End::Complete, Reply::End::Cut}) {
    ScriptedWatch w(withWatchList());
    w.transport.script = {bodyReply({event("ADDED", serviceJson("x1", 5))}, end),
                          listReply(10, {serviceJson("x1", 5), serviceJson("x2", 6)})};
    w.run();
    const auto listed = w.ofType(SourceEvent::Type::Listed);
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].list.items.size(), 2U);
    EXPECT_EQ(w.ofType(SourceEvent::Type::Failure).size(), 1U);
    EXPECT_EQ(w.watcher->stats().watchListFallbacks.load(), 1U);
    EXPECT_TRUE(w.timing.sleeps.empty());  // the LIST follows at once
  }
}

TEST(WatcherWatchList, AfterAFailedFallbackListTheWatchListIsTriedAgain) {
  ScriptedWatch w(withWatchList());
  w.transport.script = {refusedConnection(), statusReply(500, "InternalError", "etcd"),
                        watchReply({bookmark(12, true)})};
  w.run();
  ASSERT_GE(w.transport.targets.size(), 3U);
  EXPECT_TRUE(isWatchList(w.transport.targets[0]));
  EXPECT_FALSE(isWatch(w.transport.targets[1]));
  EXPECT_TRUE(isWatchList(w.transport.targets[2]));
  EXPECT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  EXPECT_EQ(w.watchesFrom(), Versions{"12"});
}

TEST(WatcherWatchList, ARelistAfterAFailedWatchUsesTheLastVersion) {
  ScriptedWatch w(withWatchList());
  w.transport.script = {watchReply({bookmark(12, true), event("ADDED", serviceJson("x1", 13))}),
                        statusReply(401, "Unauthorized", "Unauthorized"), watchReply({bookmark(14, true)})};
  w.run();
  ASSERT_GE(w.transport.targets.size(), 3U);
  EXPECT_TRUE(isWatchList(w.transport.targets[2]));
  EXPECT_EQ(param(w.transport.targets[2], "resourceVersion"), "13");  // the last event, not the list
  EXPECT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 2U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
