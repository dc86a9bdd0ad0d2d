#pragma once

// Timers on a hand-driven clock: the daemon's timers fire when the test moves time, never by waiting.
// `advance(d)` moves the clock to each due deadline in turn and fires it; `settle()` fires what is due
// now (including what those callbacks arm for "now").

#include <algorithm>
#include <memory>
#include <set>

#include "../core/fakes.hpp"
#include "app/timers.hpp"

namespace kipvs::app::testing {

class ManualTimers final : public Timers {
 public:
  // The clock the timers follow; moving it by hand (clock().advance) fires nothing.
  core::testing::FakeClock& clock() { return clock_; }

  std::unique_ptr<Timer> makeTimer(Callback callback) override {
    return std::make_unique<ManualTimer>(*this, std::move(callback));
  }

  void settle() { advance(std::chrono::milliseconds(0)); }

  void advance(std::chrono::steady_clock::duration by) {
    const auto until = clock_.now() + by;
    for (ManualTimer* next = earliest(until); next != nullptr; next = earliest(until)) {
      clock_.current = std::max(clock_.current, *next->deadline_);
      next->deadline_.reset();
      next->callback_();
    }
    clock_.current = until;
  }

 private:
  class ManualTimer final : public Timer {
   public:
    ManualTimer(ManualTimers& owner, Callback callback) : owner_(owner), callback_(std::move(callback)) {
      owner_.timers_.insert(this);
    }
    ManualTimer(const ManualTimer&) = delete;
    ManualTimer& operator=(const ManualTimer&) = delete;
    ~ManualTimer() override { owner_.timers_.erase(this); }
    void armIn(std::chrono::milliseconds delay) override { deadline_ = owner_.clock_.now() + delay; }
    void armIfIdle(std::chrono::milliseconds delay) override {
      if (!deadline_) {
        armIn(delay);
      }
    }
    void cancel() override { deadline_.reset(); }
    bool armed() const override { return deadline_.has_value(); }

   private:
    friend class ManualTimers;
    ManualTimers& owner_;
    Callback callback_;
    std::optional<core::Clock::TimePoint> deadline_;
  };

  ManualTimer* earliest(core::Clock::TimePoint until) const {
    ManualTimer* found = nullptr;
    for (auto* timer : timers_) {
      if (timer->deadline_ && *timer->deadline_ <= until &&
          (found == nullptr || *timer->deadline_ < *found->deadline_)) {
        found = timer;
      }
    }
    return found;
  }

  core::testing::FakeClock clock_;
  std::set<ManualTimer*> timers_;
};

}  // namespace kipvs::app::testing
