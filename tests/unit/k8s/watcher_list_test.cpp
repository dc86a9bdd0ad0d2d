// ResourceWatcher's LIST side over a scripted transport: pagination, expired continue tokens,
// unavailable resourceVersions, throttling and server errors, undecodable or refused bodies. The same
// cases the k8s tier runs over real HTTP + TLS, here in microseconds on a virtual clock.

#include <gtest/gtest.h>

#include "scripted_transport.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;
using Sleeps = std::vector<milliseconds>;

std::vector<std::string> lists(const ScriptedWatch& w) {
  std::vector<std::string> out;
  for (const std::string& t : w.transport.targets) {
    if (!isWatch(t)) {
      out.push_back(t);
    }
  }
  return out;
}

std::size_t listedItems(const ScriptedWatch& w, std::size_t at = 0) {
  return w.ofType(SourceEvent::Type::Listed).at(at).list.items.size();
}

TEST(WatcherList, FirstListIsPaginatedFromTheWatchCacheThenWatchesFromItsVersion) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {serviceJson("a", 3), serviceJson("b", 4)}, "page-2"),
                        listReply(11, {serviceJson("c", 5)})};
  w.run();
  const auto requests = lists(w);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(param(requests[0], "limit"), "2");
  EXPECT_EQ(param(requests[0], "resourceVersion"), "0");
  EXPECT_EQ(param(requests[1], "continue"), "page-2");
  EXPECT_EQ(requests[1].find("resourceVersion="), std::string::npos);  // never with a continue token
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  EXPECT_EQ(listedItems(w), 3U);
  EXPECT_EQ(w.ofType(SourceEvent::Type::Listed)[0].list.resourceVersion, "10");  // the first page's
  EXPECT_EQ(w.watchesFrom(), std::vector<std::string>{"10"});
  EXPECT_EQ(w.watcher->stats().listPages.load(), 2U);
  EXPECT_TRUE(w.timing.sleeps.empty());
}

TEST(WatcherList, ExpiredContinueTokenRestartsAsOneUnpaginatedConsistentList) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {serviceJson("a", 3), serviceJson("b", 4)}, "page-2"),
                        statusReply(410, "Expired", "The provided continue parameter is too old",
                                    R"({"causes":[]},"metadata":{"continue":"inconsistent-token"})"),
                        listReply(12, {serviceJson("a", 3), serviceJson("b", 4), serviceJson("c", 5)})};
  w.run();
  const auto requests = lists(w);
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(param(requests[2], "limit"), "");
  EXPECT_EQ(param(requests[2], "resourceVersion"), "");
  EXPECT_EQ(param(requests[2], "continue"), "");
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  EXPECT_EQ(listedItems(w), 3U);
  EXPECT_EQ(w.failures(FailureReason::Expired), 1U);
  EXPECT_EQ(w.watcher->stats().expired.load(), 1U);
  EXPECT_TRUE(w.timing.sleeps.empty());  // restarted at once
}

TEST(WatcherList, UnavailableVersionRelistsAtOnceFromTheLatest) {
  ScriptedWatch w;
  w.transport.script = {listReply(10, {serviceJson("a", 3)}),
                        statusReply(401, "Unauthorized", "Unauthorized"),  // the watch: relist from "10"
                        statusReply(410, "Expired", "too old resource version: 10 (90)"),
                        listReply(95, {serviceJson("a", 3)})};
  w.run();
  const auto requests = lists(w);
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(param(requests[1], "resourceVersion"), "10");  // never "0" again: no rollback
  EXPECT_EQ(param(requests[2], "resourceVersion"), "");
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(1200)});  // only the 401's backoff
  EXPECT_EQ(w.watchesFrom(), (std::vector<std::string>{"10", "95"}));
}

TEST(WatcherList, TooLargeVersionWaitsRetryAfterAndRelistsFromTheLatest) {
  ScriptedWatch w;
  w.transport.script = {
      statusReply(
          504, "Timeout", "Timeout: Too large resource version: 900, current: 101",
          R"({"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":2})",
          2),
      listReply(101, {serviceJson("a", 3)})};
  w.run();
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(2000)});
  const auto requests = lists(w);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(param(requests[1], "resourceVersion"), "");
  EXPECT_EQ(w.watchesFrom(), std::vector<std::string>{"101"});
}

TEST(WatcherList, ThrottledAndFailingListsWaitTheLongerOfBackoffAndRetryAfter) {
  ScriptedWatch w;
  Reply throttled{
      .status = 429, .contentType = "text/plain", .retryAfter = 5, .pieces = {"Too many requests"}};
  w.transport.script = {throttled,
                        statusReply(503, "ServiceUnavailable", "apiserver is shutting down", "", 1),
                        statusReply(500, "InternalError", "etcd"), listReply(10, {serviceJson("a", 3)})};
  w.run();
  // 429: Retry-After 5 s over a 1.2 s backoff; 503: the 2.4 s backoff over Retry-After 1 s; 500: 4.8 s.
  EXPECT_EQ(w.timing.sleeps, (Sleeps{milliseconds(5000), milliseconds(2400), milliseconds(4800)}));
  EXPECT_EQ(w.failures(FailureReason::Throttled), 1U);
  EXPECT_EQ(w.failures(FailureReason::ServerError), 2U);
  EXPECT_EQ(lists(w).size(), 4U);
  EXPECT_EQ(listedItems(w), 1U);
}

TEST(WatcherList, ThreeImmediateRelistsInARowAreFollowedByABackoff) {
  ScriptedWatch w;
  const Reply expired = statusReply(410, "Expired", "too old resource version");
  w.transport.script = {expired, expired, expired, listReply(10, {serviceJson("a", 3)})};
  w.run();
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(1200)});
  EXPECT_EQ(w.watcher->stats().expired.load(), 3U);
  EXPECT_EQ(lists(w).size(), 4U);
}

TEST(WatcherList, CutBodyIsRetriedAndNeverDecoded) {
  ScriptedWatch w;
  const std::string whole = listJson(10, {serviceJson("a", 3)});
  w.transport.script = {bodyReply({whole.substr(0, whole.size() / 2)}, Reply::End::Cut), refusedConnection(),
                        listReply(10, {serviceJson("a", 3)})};
  w.run();
  EXPECT_EQ(w.failures(FailureReason::ConnectionFailure), 2U);
  EXPECT_EQ(w.timing.sleeps, (Sleeps{milliseconds(1200), milliseconds(2400)}));
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
}

TEST(WatcherList, UndecodableOrForeignBodiesAreProtocolErrors) {
  ScriptedWatch w;
  w.transport.script = {bodyReply({R"({"metadata":{"resourceVersion":"10"},"items":[{"metadata":)"}),
                        bodyReply({"k8s"}, Reply::End::Complete, "application/vnd.kubernetes.protobuf"),
                        listReply(10, {serviceJson("a", 3)})};
  w.run();
  EXPECT_EQ(w.failures(FailureReason::ProtocolError), 2U);
  EXPECT_EQ(w.timing.sleeps.size(), 2U);
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  for (std::size_t i = 0; i < w.transport.targets.size(); ++i) {
    EXPECT_EQ(w.transport.requestOptions[i].acceptGzip, !isWatch(w.transport.targets[i]));  // gzip lists only
  }
}

TEST(WatcherList, UnauthorizedRereadsTheCredentialsAndRetries) {
  ScriptedWatch w;
  w.transport.script = {statusReply(401, "Unauthorized", "Unauthorized"),
                        listReply(10, {serviceJson("a", 3)})};
  w.run();
  EXPECT_EQ(w.transport.credentialResets, 1);
  EXPECT_EQ(w.failures(FailureReason::Unauthorized), 1U);
  EXPECT_EQ(w.timing.sleeps, Sleeps{milliseconds(1200)});
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
}

TEST(WatcherList, ForbiddenDoesNotTouchTheCredentials) {
  ScriptedWatch w;
  w.transport.script = {statusReply(403, "Forbidden", "services is forbidden"), listReply(10, {})};
  w.run();
  EXPECT_EQ(w.transport.credentialResets, 0);
  EXPECT_EQ(w.failures(FailureReason::Unauthorized), 1U);
}

TEST(WatcherList, ObjectsOutsideTheSelectionAndMalformedObjectsStayOut) {
  WatcherOptions options = ScriptedWatch::fastOptions();
  options.accept = [](const core::ObjectMeta& meta) { return acceptsProxyName(meta, ""); };
  ScriptedWatch w(options);
  std::string badPort = serviceJson("bad", 6);
  badPort.replace(badPort.find(R"("port":80)"), 9, R"("port":70000)");
  w.transport.script = {listReply(
      10, {serviceJson("a", 3), serviceJson("theirs", 4, R"("service.kubernetes.io/service-proxy-name":"x")"),
           badPort})};
  w.run();
  const auto listed = w.ofType(SourceEvent::Type::Listed);
  ASSERT_EQ(listed.size(), 1U);
  ASSERT_EQ(listed[0].list.items.size(), 1U);
  EXPECT_EQ(metaOf(listed[0].list.items[0]).name, "a");
  ASSERT_EQ(listed[0].list.rejected.size(), 1U);
  EXPECT_EQ(listed[0].list.rejected[0].meta.name, "bad");
}

TEST(WatcherList, EmptyCollectionIsAListToo) {
  ScriptedWatch w;
  w.transport.script = {
      bodyReply({R"({"kind":"ServiceList","metadata":{"resourceVersion":"7"},"items":null})"})};
  w.run();
  ASSERT_EQ(w.ofType(SourceEvent::Type::Listed).size(), 1U);
  EXPECT_EQ(listedItems(w), 0U);
  EXPECT_EQ(w.watcher->resourceVersion(), "7");
}

}  // namespace
}  // namespace kipvs::k8s::testing
