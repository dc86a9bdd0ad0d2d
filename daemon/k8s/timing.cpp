#include "k8s/timing.hpp"

#include <algorithm>
#include <cmath>

namespace kipvs::k8s {

bool RealTiming::sleepFor(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return interrupted_; });
}

void RealTiming::interrupt() {
  {
    const std::lock_guard lock(mutex_);
    interrupted_ = true;
  }
  wake_.notify_all();
}

double RealTiming::random() {
  const std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

std::chrono::milliseconds Backoff::next(Timing::Clock::time_point now, double random) {
  if (attempt_ > 0 && now - lastFailure_ > policy_.resetAfter) {
    attempt_ = 0;
  }
  lastFailure_ = now;
  const double base = static_cast<double>(policy_.initial.count()) * std::pow(policy_.factor, attempt_);
  const double capped = std::min(base, static_cast<double>(policy_.max.count()));
  ++attempt_;
  const double jittered = capped * (1.0 + policy_.jitter * std::clamp(random, 0.0, 1.0));
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(jittered, static_cast<double>(policy_.max.count()))));
}

}  // namespace kipvs::k8s
