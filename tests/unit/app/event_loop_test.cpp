#include "app/event_loop.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
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

TEST(EventLoop, PollableGetsDispatchedOnReadinessAndOnItsTimeout) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int dispatches = 0;
  int prepares = 0;
  bool dataSeen = false;
  loop.watchPollable(
      fds[0],
      [&] {
        ++prepares;
        // First wait: no events, a short timeout; later: wait for data.
        return dispatches == 0 ? EventLoop::PollWish{0, 5} : EventLoop::PollWish{POLLIN, -1};
      },
      [&] {
        ++dispatches;
        char byte = 0;
        if (dispatches == 1) {
          ASSERT_EQ(write(fds[1], "x", 1), 1);  // the timeout fired; now make the fd readable
        } else if (read(fds[0], &byte, 1) == 1) {
          dataSeen = true;
          loop.exit(0);
        }
      });
  loop.run();
  EXPECT_TRUE(dataSeen);
  EXPECT_EQ(dispatches, 2);
  EXPECT_GE(prepares, 2);
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, ATimerThatThrowsIsCountedAndTheLoopTurnsOn) {
  EventLoop loop;
  const auto before = core::edgeFailureCounts()[static_cast<std::size_t>(core::Edge::Timer)];
  auto failing = loop.makeTimer([] { throw std::runtime_error("netlink: no buffer space"); });
  auto stop = loop.makeTimer([&] { loop.exit(7); });
  failing->armIn(milliseconds(1));
  stop->armIn(milliseconds(20));
  EXPECT_EQ(loop.run(), 7) << "the loop outlived the failing callback";
  EXPECT_EQ(core::edgeFailureCounts()[static_cast<std::size_t>(core::Edge::Timer)], before + 1);
  EXPECT_FALSE(loop.fatalError());
}

TEST(EventLoop, OnePostedCallbackThatThrowsDoesNotDropTheRestOfItsBatch) {
  EventLoop loop;
  const auto before = core::edgeFailureCounts()[static_cast<std::size_t>(core::Edge::Posted)];
  std::vector<int> seen;
  loop.post([] { throw std::logic_error("bad event"); });
  loop.post([&] { seen.push_back(1); });
  loop.post([&] { loop.exit(0); });
  EXPECT_EQ(loop.run(), 0);
  EXPECT_EQ(seen, std::vector<int>{1});
  EXPECT_EQ(core::edgeFailureCounts()[static_cast<std::size_t>(core::Edge::Posted)], before + 1);
}

TEST(EventLoop, AFatalErrorStopsTheLoopWithItsExitCodeAndReason) {
  EventLoop loop;
  std::vector<int> seen;
  loop.post([] { throw core::FatalError("the bus connection is gone", 3); });
  auto late = loop.makeTimer([&] { seen.push_back(1); });
  late->armIn(milliseconds(50));
  EXPECT_EQ(loop.run(), 3);
  ASSERT_TRUE(loop.fatalError());
  EXPECT_EQ(*loop.fatalError(), "running work posted to the main loop: the bus connection is gone");
  EXPECT_TRUE(seen.empty()) << "nothing runs after a fatal error";
}

}  // namespace
}  // namespace kipvs::app
