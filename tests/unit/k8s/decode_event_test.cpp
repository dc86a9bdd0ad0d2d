// Watch event and Status decoding (apimachinery pkg/apis/meta/v1 WatchEvent and Status).

#include <gtest/gtest.h>

#include "k8s/decode.hpp"

namespace kipvs::k8s {
namespace {

TEST(DecodeEvent, ReadsAddedModifiedDeleted) {
  const WatchEvent added = decodeEvent(
      R"j({"type":"ADDED","object":{"kind":"EndpointSlice","metadata":{"name":"a","namespace":"n","resourceVersion":"9",
      "labels":{"kubernetes.io/service-name":"api"}},"addressType":"IPv4","endpoints":null,"ports":null}})j",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(added.type, EventType::Added);
  ASSERT_TRUE(added.object);
  EXPECT_EQ(added.resourceVersion, "9");
  EXPECT_EQ(std::get<core::EndpointSlice>(*added.object).serviceName, "api");
  const WatchEvent deleted = decodeEvent(
      R"j({"type":"DELETED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"11"},
      "spec":{"clusterIP":"10.0.0.1"}}})j",
      ResourceKind::Service);
  EXPECT_EQ(deleted.type, EventType::Deleted);
  EXPECT_EQ(deleted.resourceVersion, "11");
}

// watch edge case 9: a BOOKMARK's zero-valued body is never decoded as an object; only its RV is used.
TEST(DecodeEvent, BookmarkYieldsOnlyTheResourceVersion) {
  const WatchEvent bookmark = decodeEvent(
      R"j({"type":"BOOKMARK","object":{"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
      "metadata":{"resourceVersion":"483377","creationTimestamp":null},"addressType":"","endpoints":null,"ports":null}})j",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(bookmark.type, EventType::Bookmark);
  EXPECT_EQ(bookmark.resourceVersion, "483377");
  EXPECT_FALSE(bookmark.object);
  EXPECT_FALSE(bookmark.rejected);
  EXPECT_FALSE(bookmark.initialEventsEnd);
  const WatchEvent end = decodeEvent(
      R"j({"type":"BOOKMARK","object":{"kind":"Service","metadata":{"resourceVersion":"501270",
      "annotations":{"k8s.io/initial-events-end":"true"}},"spec":{},"status":{"loadBalancer":{}}}})j",
      ResourceKind::Service);
  EXPECT_TRUE(end.initialEventsEnd);
}

// watch edge case 14: ERROR 410 with reason Expired, and Gone from old servers.
TEST(DecodeEvent, ErrorCarriesTheStatus) {
  const WatchEvent expired = decodeEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
      "message":"too old resource version: 483377 (501266)","reason":"Expired","code":410}})j",
      ResourceKind::EndpointSlice);
  EXPECT_EQ(expired.type, EventType::Error);
  EXPECT_TRUE(expired.status.isExpired());
  EXPECT_EQ(expired.status.message, "too old resource version: 483377 (501266)");
  const WatchEvent gone = decodeEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","reason":"Gone","code":410}})j", ResourceKind::Service);
  EXPECT_TRUE(gone.status.isExpired());
}

// watch edge case 17: 504 Timeout with cause ResourceVersionTooLarge and retryAfterSeconds.
TEST(DecodeEvent, RecognisesTooLargeResourceVersion) {
  const Status status = decodeStatusBody(
      R"j({"kind":"Status","status":"Failure","message":"Timeout: Too large resource version: 9, current: 5",
      "reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large"}],
      "retryAfterSeconds":1},"code":504})j",
      504);
  EXPECT_TRUE(status.isTooLargeResourceVersion());
  EXPECT_EQ(status.retryAfterSeconds, 1);
  EXPECT_FALSE(status.isExpired());
}

// watch edge case 44: APF 429s have a plain-text body.
TEST(DecodeEvent, PlainTextErrorBodiesBecomeAStatus) {
  const Status status = decodeStatusBody("Too many requests, please try again later.\n", 429);
  EXPECT_EQ(status.code, 429);
  EXPECT_EQ(status.message, "Too many requests, please try again later.");
}

// watch edge case 8: an unknown event type is a protocol error.
TEST(DecodeEvent, UnknownTypeIsAProtocolError) {
  EXPECT_THROW(decodeEvent(R"j({"type":"RESYNC","object":{}})j", ResourceKind::Service), ProtocolError);
  EXPECT_THROW(decodeEvent(R"j({"type":"ADDED"})j", ResourceKind::Service), ProtocolError);
}

TEST(DecodeEvent, AcceptsObjectBeforeType) {
  const WatchEvent event = decodeEvent(
      R"j({"object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"3"},"spec":{"clusterIP":"10.0.0.1"}},
      "type":"MODIFIED"})j",
      ResourceKind::Service);
  EXPECT_EQ(event.type, EventType::Modified);
  ASSERT_TRUE(event.object);
}

// Rule 5 / watch edge case 7: a semantically malformed object in an event is rejected alone, the event still
// decodes.
TEST(DecodeEvent, MalformedObjectIsRejectedNotThrown) {
  const WatchEvent event = decodeEvent(
      R"j({"type":"MODIFIED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"4"},
      "spec":{"clusterIP":"10.0.0.1","ports":[{"port":0}]}}})j",
      ResourceKind::Service);
  ASSERT_TRUE(event.rejected);
  EXPECT_EQ(event.rejected->meta.key().toString(), "n/a");
  EXPECT_EQ(event.resourceVersion, "4");
}

}  // namespace
}  // namespace kipvs::k8s
