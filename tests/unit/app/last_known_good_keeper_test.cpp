#include "app/last_known_good_keeper.hpp"

#include <gtest/gtest.h>

#include <system_error>

#include "../core/core_fixtures.hpp"
#include "../core/fakes.hpp"
#include "k8s/last_known_good.hpp"
#include "manual_timers.hpp"

namespace kipvs::app {
namespace {

using std::chrono::milliseconds;

class ThrowingStore final : public core::StateStore {
 public:
  int attempts = 0;
  std::optional<std::string> load() override {
    throw std::system_error(EACCES, std::generic_category(), "open");
  }
  void save(std::string_view /*text*/) override {
    ++attempts;
    throw std::system_error(ENOSPC, std::generic_category(), "write");
  }
};

class KeeperTest : public ::testing::Test {
 protected:
  LastKnownGoodKeeper keeper(core::StateStore& store) {
    return {store,
            "/state/last-known-good.json",
            "node-a",
            timers_,
            clock_,
            milliseconds(30),
            [this]() -> const core::ClusterSnapshot& { return snapshot_; }};
  }

  testing::ManualTimers timers_;
  core::testing::FakeClock& clock_ = timers_.clock();
  core::testing::FakeStore store_;
  core::ClusterSnapshot snapshot_ = core::testing::snapshot(
      {core::testing::service("web", {"10.96.0.10"}, {core::testing::port(80, "http")})}, {});
};

TEST_F(KeeperTest, SavesAtOnceThenAtMostOncePerInterval) {
  auto keeper = this->keeper(store_);
  keeper.changed();
  ASSERT_EQ(store_.saves, 1);
  EXPECT_EQ(k8s::decodeLastKnownGood(*store_.text).snapshot.services.size(), 1U);

  snapshot_.services.clear();
  keeper.changed();
  keeper.changed();
  EXPECT_EQ(store_.saves, 1) << "within the interval: deferred";
  timers_.advance(milliseconds(100));
  ASSERT_EQ(store_.saves, 2) << "one save for both changes, once the interval passed";
  EXPECT_TRUE(k8s::decodeLastKnownGood(*store_.text).snapshot.services.empty());
  keeper.flush();
  EXPECT_EQ(store_.saves, 2) << "nothing pending: nothing written";
}

// A store whose save takes a second of the keeper's clock.
class SlowStore final : public core::StateStore {
 public:
  explicit SlowStore(core::testing::FakeClock& clock) : clock_(clock) {}
  int saves = 0;
  std::optional<std::string> load() override { return std::nullopt; }
  void save(std::string_view /*text*/) override {
    clock_.advance(std::chrono::seconds(1));
    ++saves;
  }

 private:
  core::testing::FakeClock& clock_;
};

TEST_F(KeeperTest, SlowSavesAreSpacedFiftyTimesTheirDuration) {
  SlowStore store(clock_);
  auto keeper = this->keeper(store);
  keeper.changed();
  ASSERT_EQ(store.saves, 1);
  clock_.advance(std::chrono::seconds(20));
  keeper.changed();
  EXPECT_EQ(store.saves, 1) << "20 s after a 1 s save: deferred";
  clock_.advance(std::chrono::seconds(31));
  keeper.changed();
  EXPECT_EQ(store.saves, 2) << "51 s after it: saved";
}

TEST_F(KeeperTest, FlushWritesAPendingChange) {
  auto keeper = this->keeper(store_);
  keeper.changed();
  keeper.changed();
  keeper.flush();
  EXPECT_EQ(store_.saves, 2);
}

TEST_F(KeeperTest, AFailedSaveIsLoggedAndTriedAgain) {
  ThrowingStore store;
  auto keeper = this->keeper(store);
  keeper.changed();
  clock_.advance(std::chrono::seconds(1));
  keeper.changed();
  EXPECT_EQ(store.attempts, 2);
  EXPECT_EQ(keeper.saves(), 0U);
  EXPECT_FALSE(keeper.load().has_value()) << "an unreadable file is no state, not a crash";
}

TEST_F(KeeperTest, LoadDescribesWhatWasRestored) {
  store_.text = k8s::encodeLastKnownGood(snapshot_, "node-a", "2026-11-26T12:00:00Z");
  auto keeper = this->keeper(store_);
  const auto restored = keeper.load();
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->snapshot, snapshot_);
  EXPECT_EQ(restored->description,
            "restored last-known-good state from /state/last-known-good.json (1 services, saved "
            "2026-11-26T12:00:00Z)");
}

TEST_F(KeeperTest, LoadRefusesMissingCorruptAndForeignFiles) {
  auto keeper = this->keeper(store_);
  EXPECT_FALSE(keeper.load().has_value());
  store_.text = "{\"kind\":\"List\"";
  EXPECT_FALSE(keeper.load().has_value());
  store_.text = k8s::encodeLastKnownGood(snapshot_, "node-b", "t");
  EXPECT_FALSE(keeper.load().has_value());
}

TEST(Rfc3339Now, IsUtcWithSeconds) {
  const auto text = rfc3339Now();
  ASSERT_EQ(text.size(), 20U) << text;
  EXPECT_EQ(text[4], '-');
  EXPECT_EQ(text[10], 'T');
  EXPECT_EQ(text.back(), 'Z');
}

}  // namespace
}  // namespace kipvs::app
