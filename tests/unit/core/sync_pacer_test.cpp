#include "core/sync_pacer.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace kipvs::core {
namespace {

using namespace std::chrono_literals;
using kipvs::core::testing::FakeClock;

class SyncPacerTest : public ::testing::Test {
 protected:
  FakeClock clock;
  SyncPacer pacer{clock, 1s, 30s};
};

TEST_F(SyncPacerTest, TheFirstSyncIsFullAndImmediate) {
  EXPECT_LE(pacer.nextDue(), clock.now());
  EXPECT_TRUE(pacer.takeDue().full);
  EXPECT_TRUE(pacer.takeDue().empty());
}

TEST_F(SyncPacerTest, EventsWithinMinSyncPeriodAreCoalescedIntoOneIncrementalSync) {
  pacer.takeDue();
  pacer.serviceChanged({"default", "web"});
  clock.advance(std::chrono::seconds(0));
  EXPECT_TRUE(pacer.takeDue().empty());  // the full sync just ran
  pacer.serviceChanged({"default", "dns"});
  pacer.serviceChanged({"default", "web"});
  EXPECT_EQ(pacer.nextDue(), clock.now() + 1s);

  clock.advance(1s);
  const auto batch = pacer.takeDue();
  EXPECT_FALSE(batch.full);
  EXPECT_EQ(batch.services, (std::set<ObjectKey>{{"default", "dns"}, {"default", "web"}}));
  EXPECT_TRUE(pacer.takeDue().empty());
}

TEST_F(SyncPacerTest, AFullSyncIsDueEverySyncPeriodWithoutEvents) {
  pacer.takeDue();
  EXPECT_EQ(pacer.nextDue(), clock.now() + 30s);
  clock.advance(29s);
  EXPECT_TRUE(pacer.takeDue().empty());
  clock.advance(1s);
  EXPECT_TRUE(pacer.takeDue().full);
}

TEST_F(SyncPacerTest, ARequestedFullSyncAbsorbsPendingServices) {
  pacer.takeDue();
  clock.advance(5s);
  pacer.serviceChanged({"default", "web"});
  pacer.requestFull();
  const auto batch = pacer.takeDue();
  EXPECT_TRUE(batch.full);
  EXPECT_TRUE(batch.services.empty());
  clock.advance(5s);
  EXPECT_TRUE(pacer.takeDue().empty());
}

TEST_F(SyncPacerTest, AFailedSyncIsRetriedInFullAfterABackoffThatDoublesAndStartsOverOnSuccess) {
  pacer.takeDue();
  clock.advance(2s);
  pacer.serviceChanged({"default", "web"});
  ASSERT_FALSE(pacer.takeDue().empty());
  pacer.syncFailed();
  pacer.serviceChanged({"default", "dns"});
  EXPECT_TRUE(pacer.takeDue().empty()) << "nothing runs during the backoff, whatever arrives";
  EXPECT_EQ(pacer.nextDue(), clock.now() + SyncPacer::kFirstRetry);
  clock.advance(1s);
  const auto retry = pacer.takeDue();
  EXPECT_TRUE(retry.full) << "a failed sync may be half-applied: the retry repairs everything";

  pacer.syncFailed();
  EXPECT_EQ(pacer.nextDue(), clock.now() + 2 * SyncPacer::kFirstRetry) << "doubled";
  for (int i = 0; i < 10; ++i) {
    pacer.syncFailed();
  }
  EXPECT_EQ(pacer.retryDelay(), SyncPacer::kLastRetry) << "capped";
  clock.advance(SyncPacer::kLastRetry);
  EXPECT_TRUE(pacer.takeDue().full);
  pacer.syncSucceeded();
  EXPECT_EQ(pacer.retryDelay(), SyncPacer::kFirstRetry);
  pacer.serviceChanged({"default", "web"});
  clock.advance(1s);
  EXPECT_FALSE(pacer.takeDue().empty()) << "paced by min-sync-period only again";
}

}  // namespace
}  // namespace kipvs::core
