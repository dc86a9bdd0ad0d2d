#pragma once

// One-shot timers as the daemon's parts see them: sd-event's in kipvsd (EventLoop), a hand-driven clock
// in the tests (tests/unit/app/manual_timers.hpp), so no daemon test waits on the wall clock.

#include <chrono>
#include <functional>
#include <memory>

namespace kipvs::app {

// Re-armable; destroying it cancels it.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void armIn(std::chrono::milliseconds delay) = 0;      // re-arms if already armed
  virtual void armIfIdle(std::chrono::milliseconds delay) = 0;  // keeps an earlier deadline (coalescing)
  virtual void cancel() = 0;
  virtual bool armed() const = 0;
};

class Timers {
 public:
  using Callback = std::function<void()>;
  virtual ~Timers() = default;
  virtual std::unique_ptr<Timer> makeTimer(Callback callback) = 0;
};

}  // namespace kipvs::app
