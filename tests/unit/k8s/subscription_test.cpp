// ClusterSubscription: snapshot once synced, deltas after, typed failures, counters.

#include "k8s/subscription.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "builders.hpp"

namespace kipvs::k8s {
namespace {

using testing::service;
using testing::slice;

struct Recorder : SubscriptionCallbacks {
  int snapshots = 0;
  std::vector<Delta> deltas;
  std::vector<std::pair<FailureReason, std::string>> failures;
  core::ClusterSnapshot last;

  void onSnapshot(const core::ClusterSnapshot& snapshot) override {
    ++snapshots;
    last = snapshot;
  }
  void onDelta(const core::ClusterSnapshot& snapshot, const Delta& delta) override {
    deltas.push_back(delta);
    last = snapshot;
  }
  void onFailure(FailureReason reason, const std::string& detail) override {
    failures.emplace_back(reason, detail);
  }
};

ListResult listOf(std::vector<Object> items, const std::string& rv) {
  ListResult list;
  list.items = std::move(items);
  list.resourceVersion = rv;
  return list;
}

WatchEvent eventOf(EventType type, Object object) {
  WatchEvent event;
  event.type = type;
  event.resourceVersion = metaOf(object).resourceVersion;
  event.object = std::move(object);
  return event;
}

TEST(ClusterSubscription, DeliversOneSnapshotOnceEveryResourceIsListedThenDeltas) {
  Recorder recorder;
  ClusterSubscription subscription(recorder, {ResourceKind::Service, ResourceKind::EndpointSlice});
  subscription.handle(SourceEvent::listed(ResourceKind::Service, listOf({service("web", "5")}, "10")));
  subscription.handle(
      SourceEvent::watch(ResourceKind::Service, eventOf(EventType::Added, service("api", "11"))));
  EXPECT_EQ(recorder.snapshots, 0);
  EXPECT_FALSE(subscription.synced());
  subscription.handle(
      SourceEvent::listed(ResourceKind::EndpointSlice, listOf({slice("web-a", "web", "6")}, "10")));
  EXPECT_EQ(recorder.snapshots, 1);
  EXPECT_EQ(recorder.last.services.size(), 2U);
  EXPECT_TRUE(recorder.deltas.empty());
  subscription.handle(
      SourceEvent::watch(ResourceKind::EndpointSlice,
                         eventOf(EventType::Modified, slice("web-a", "web", "12", {"10.244.9.9"}))));
  ASSERT_EQ(recorder.deltas.size(), 1U);
  EXPECT_EQ(recorder.deltas[0].services, (std::set<core::ObjectKey>{{"shop", "web"}}));
  EXPECT_EQ(subscription.stats().deltas, 1U);
  EXPECT_EQ(subscription.stats().lists, 2U);
}

TEST(ClusterSubscription, ReportsFailuresAndMalformedObjectsWithTheirReason) {
  Recorder recorder;
  ClusterSubscription subscription(recorder, {ResourceKind::Service});
  ListResult list = listOf({service("web", "5")}, "10");
  list.rejected.push_back(
      {.kind = "Service", .meta = service("bad", "4").meta, .reason = "spec.ports[0].port: missing"});
  subscription.handle(SourceEvent::listed(ResourceKind::Service, std::move(list)));
  subscription.handle(SourceEvent::failure(ResourceKind::Service, FailureReason::Expired, "too old"));
  ASSERT_EQ(recorder.failures.size(), 2U);
  EXPECT_EQ(recorder.failures[0].first, FailureReason::MalformedObject);
  EXPECT_EQ(recorder.failures[0].second, "Service shop/bad: spec.ports[0].port: missing");
  EXPECT_EQ(recorder.failures[1].first, FailureReason::Expired);
  EXPECT_EQ(subscription.stats().rejected, 1U);
  EXPECT_EQ(subscription.stats().failures[static_cast<std::size_t>(FailureReason::Expired)], 1U);
  EXPECT_EQ(recorder.last.services.size(), 1U);
}

TEST(EventQueue, HandsEventsAcrossThreadsInOrder) {
  int notified = 0;
  EventQueue queue([&] { ++notified; });
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      queue.push(SourceEvent::failure(ResourceKind::Node, FailureReason::Throttled, std::to_string(i)));
    }
  });
  producer.join();
  EXPECT_TRUE(queue.waitFor(std::chrono::milliseconds(1)));
  const auto events = queue.drain();
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[2].detail, "2");
  EXPECT_EQ(notified, 3);
  EXPECT_TRUE(queue.drain().empty());
}

}  // namespace
}  // namespace kipvs::k8s
