#include "app/event_loop.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace kipvs::app {
namespace {

using std::chrono::milliseconds;

TEST(EventLoop, RunsCallbacksPostedFromAnotherThread) {
  EventLoop loop;
  std::vector<int> seen;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      loop.post([&seen, i] { seen.push_back(i); });
    }
    loop.post([&loop] { loop.exit(0); });
  });
  EXPECT_EQ(loop.run(), 0);
  producer.join();
  ASSERT_EQ(seen.size(), 100U);
  EXPECT_EQ(seen.back(), 99);
}

TEST(EventLoop, CoalescingTimerKeepsTheFirstDeadline) {
  EventLoop loop;
  int fired = 0;
  auto timer = loop.makeTimer([&] { ++fired; });
  auto stop = loop.makeTimer([&] { loop.exit(fired); });
  timer->armIfIdle(milliseconds(10));
  timer->armIfIdle(milliseconds(10'000));  // must not push the deadline out
  EXPECT_TRUE(timer->armed());
  stop->armIn(milliseconds(200));
  EXPECT_EQ(loop.run(), 1);
  EXPECT_FALSE(timer->armed());
}

TEST(EventLoop, CancelledTimerNeverFires) {
  EventLoop loop;
  int fired = 0;
  auto timer = loop.makeTimer([&] { ++fired; });
  auto stop = loop.makeTimer([&] { loop.exit(0); });
  timer->armIn(milliseconds(5));
  timer->cancel();
  stop->armIn(milliseconds(50));
  loop.run();
  EXPECT_EQ(fired, 0);
}

TEST(EventLoop, HandlesSignalsInTheLoop) {
  EventLoop loop;
  bool hup = false;
  loop.onSignal(SIGHUP, [&] {
    hup = true;
    loop.exit(0);
  });
  loop.post([] { raise(SIGHUP); });
  loop.run();
  EXPECT_TRUE(hup);
}

}  // namespace
}  // namespace kipvs::app
