// ListWatchPlan: the outcome -> action table and the state it keeps, without any request.

#include "k8s/list_watch_plan.hpp"

#include <gtest/gtest.h>

#include "scripted_transport.hpp"

namespace kipvs::k8s {
namespace {

using std::chrono::milliseconds;

std::vector<Outcome> failures() {
  std::vector<Outcome> out;
  for (std::size_t i = 1; i < kOutcomes; ++i) {
    out.push_back(static_cast<Outcome>(i));
  }
  return out;
}

TEST(ListWatchPlan, StartsWithAPaginatedListFromTheWatchCache) {
  const ListWatchPlan plan(false, 5, {});
  const auto step = plan.next();
  EXPECT_EQ(step.request, Request::List);
  EXPECT_EQ(step.resourceVersion, "0");
  EXPECT_TRUE(step.paginate);
  const ListWatchPlan watchList(true, 5, {});
  EXPECT_EQ(watchList.next().request, Request::WatchList);
  EXPECT_EQ(watchList.next().resourceVersion, "");  // the first sync is a consistent read
}

TEST(ListWatchPlan, ARelistAfterAFailedWatchIsAlwaysPaced) {
  for (const Outcome outcome : failures()) {
    const Action action = actionFor(Request::Watch, outcome);
    if (action.next == Next::List) {
      EXPECT_NE(action.wait, Wait::None) << static_cast<int>(outcome);
    }
  }
}

TEST(ListWatchPlan, AFailedWatchListIsFollowedByAListAtOnce) {
  for (const Outcome outcome : failures()) {
    const Action action = actionFor(Request::WatchList, outcome);
    EXPECT_EQ(action.next, Next::List) << static_cast<int>(outcome);
    EXPECT_EQ(action.wait, Wait::None) << static_cast<int>(outcome);
  }
  EXPECT_TRUE(actionFor(Request::WatchList, Outcome::WatchListUnsupported).disableWatchList);
}

TEST(ListWatchPlan, OnlyRetriableFailuresRewatch) {
  for (const Outcome outcome : failures()) {
    const bool retriable = outcome == Outcome::Throttled || outcome == Outcome::ServerError ||
                           outcome == Outcome::TransportError;
    EXPECT_EQ(actionFor(Request::Watch, outcome).next == Next::Watch, retriable) << static_cast<int>(outcome);
  }
}

TEST(ListWatchPlan, ListsAndWatchesFromWhatWasSeen) {
  testing::VirtualTiming timing;
  ListWatchPlan plan(false, 5, {});
  plan.listed("10");
  EXPECT_EQ(plan.record(Request::List, Outcome::Ok, std::nullopt, timing), milliseconds(0));
  EXPECT_EQ(plan.next().request, Request::Watch);
  plan.observed("12");
  plan.observed("");  // an event without a version moves nothing
  EXPECT_EQ(plan.next().resourceVersion, "12");
  EXPECT_EQ(plan.record(Request::Watch, Outcome::Refused, std::nullopt, timing), milliseconds(1200));
  const auto relist = plan.next();
  EXPECT_EQ(relist.request, Request::List);
  EXPECT_EQ(relist.resourceVersion, "12");  // never "0" again: a lagging cache must not roll back
  EXPECT_FALSE(relist.paginate);
  EXPECT_EQ(plan.record(Request::List, Outcome::TooLarge, 4, timing), milliseconds(4000));
  EXPECT_EQ(plan.next().resourceVersion, "");
}

}  // namespace
}  // namespace kipvs::k8s
