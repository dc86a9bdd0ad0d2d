#include "k8s/event_series.hpp"

#include <gtest/gtest.h>

namespace kipvs::k8s {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kStart = 1759395677 * kSecond;

EventNote unknownScheduler(const std::string& service) {
  return {.regarding = {.kind = "Service", .ns = "shop", .name = service, .uid = "uid-" + service},
          .warning = true,
          .reason = "UnknownScheduler",
          .action = "Programming",
          .note = "scheduler \"fancy\" is not an IPVS scheduler; using rr"};
}

TEST(EventSeries, CreatesTheFirstOccurrenceAndFoldsRepeatsIntoItsSeries) {
  EventSeries series;
  const auto created = series.observe(unknownScheduler("web"), kStart);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->kind, EventWrite::Kind::Create);
  EXPECT_EQ(created->ns, "shop");
  EXPECT_EQ(created->name.rfind("web.", 0), 0U);
  EXPECT_FALSE(series.observe(unknownScheduler("web"), kStart + kSecond).has_value());
  EXPECT_FALSE(series.observe(unknownScheduler("web"), kStart + 2 * kSecond).has_value());
  EXPECT_TRUE(series.due(kStart + 10 * kSecond).empty());  // a series is written at most every 30 s

  const auto updates = series.due(kStart + 30 * kSecond);
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0].kind, EventWrite::Kind::UpdateSeries);
  EXPECT_EQ(updates[0].name, created->name);
  EXPECT_EQ(updates[0].count, 3U);
  EXPECT_EQ(updates[0].lastObservedUs, kStart + 2 * kSecond);
  EXPECT_TRUE(series.due(kStart + 31 * kSecond).empty());  // nothing new since
  EXPECT_EQ(series.counters().created, 1U);
  EXPECT_EQ(series.counters().seriesUpdates, 1U);
}

TEST(EventSeries, DifferentObjectsOrReasonsAreDifferentEvents) {
  EventSeries series;
  EXPECT_TRUE(series.observe(unknownScheduler("web"), kStart).has_value());
  EXPECT_TRUE(series.observe(unknownScheduler("api"), kStart).has_value());
  auto other = unknownScheduler("web");
  other.reason = "HealthCheckPortInUse";
  EXPECT_TRUE(series.observe(other, kStart).has_value());
  EXPECT_EQ(series.size(), 3U);
}

TEST(EventSeries, AFinishedSeriesStartsANewEvent) {
  EventSeries series;
  const auto first = series.observe(unknownScheduler("web"), kStart);
  EXPECT_TRUE(series.due(kStart + 6 * 60 * kSecond).empty());
  EXPECT_EQ(series.size(), 0U);
  const auto again = series.observe(unknownScheduler("web"), kStart + 7 * 60 * kSecond);
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(again->name, first->name);
}

TEST(EventSeries, CreationsBeyondTheBurstAreDroppedUntilTokensRefill) {
  EventSeries series({.burst = 2, .refill = std::chrono::seconds(10)});
  EXPECT_TRUE(series.observe(unknownScheduler("a"), kStart).has_value());
  EXPECT_TRUE(series.observe(unknownScheduler("b"), kStart).has_value());
  EXPECT_FALSE(series.observe(unknownScheduler("c"), kStart).has_value());
  EXPECT_EQ(series.counters().rateLimited, 1U);
  EXPECT_TRUE(series.observe(unknownScheduler("c"), kStart + 10 * kSecond).has_value());
}

TEST(EventSeries, RemembersABoundedNumberOfSeries) {
  EventSeries series({.burst = 100, .maxSeries = 3});
  for (int i = 0; i < 10; ++i) {
    series.observe(unknownScheduler("svc-" + std::to_string(i)), kStart + i);
  }
  EXPECT_EQ(series.size(), 3U);
}

TEST(EventEncoding, WritesAnEventsV1ObjectAndASeriesPatch) {
  EventSeries series;
  auto write = *series.observe(unknownScheduler("web"), kStart + 123456);
  EXPECT_EQ(
      encodeEventCreate(write, "kipvs.io/kipvsd", "kipvsd-node-a"),
      R"({"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":")" + write.name +
          R"(","namespace":"shop"},"eventTime":"2025-10-02T09:01:17.123456Z","reportingController":"kipvs.io/kipvsd",)"
          R"("reportingInstance":"kipvsd-node-a","action":"Programming","reason":"UnknownScheduler","type":"Warning",)"
          R"("note":"scheduler \"fancy\" is not an IPVS scheduler; using rr","regarding":{"apiVersion":"v1",)"
          R"("kind":"Service","namespace":"shop","name":"web","uid":"uid-web"}})");
  write.count = 4;
  write.lastObservedUs = kStart + 60 * kSecond;
  EXPECT_EQ(encodeSeriesPatch(write),
            R"({"series":{"count":4,"lastObservedTime":"2025-10-02T09:02:17.000000Z"},)"
            R"("note":"scheduler \"fancy\" is not an IPVS scheduler; using rr"})");
}

TEST(EventEncoding, ANodeEventLivesInTheDefaultNamespace) {
  EventSeries series;
  const auto write = *series.observe({.regarding = {.kind = "Node", .ns = "", .name = "node-a", .uid = ""},
                                      .reason = "Started",
                                      .action = "Starting",
                                      .note = "kipvsd"},
                                     kStart);
  EXPECT_EQ(write.ns, "default");
  EXPECT_EQ(encodeEventCreate(write, "c", "i").find("\"namespace\":\"\""), std::string::npos);
}

}  // namespace
}  // namespace kipvs::k8s
