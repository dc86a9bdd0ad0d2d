#include "core/sync_pacer.hpp"

#include <algorithm>
#include <utility>

namespace kipvs::core {

Clock::TimePoint SyncPacer::earliestRun() const {
  const auto paced = lastRun_ ? *lastRun_ + minSyncPeriod_ : Clock::TimePoint::min();
  return retryAt_ ? std::max(paced, *retryAt_) : paced;
}

Clock::TimePoint SyncPacer::nextDue() const {
  // Without any full sync yet, the periodic one is due at once.
  auto due = lastFull_ ? *lastFull_ + syncPeriod_ : Clock::TimePoint::min();
  if (fullPending_ || !pending_.empty()) {
    due = std::min(due, earliestRun());
  }
  return std::max(due, earliestRun());
}

SyncPacer::Batch SyncPacer::takeDue() {
  const auto now = clock_.now();
  if (now < earliestRun()) {
    return {};
  }
  const bool periodic = !lastFull_ || now >= *lastFull_ + syncPeriod_;
  if (fullPending_ || periodic) {
    fullPending_ = false;
    pending_.clear();  // a full sync covers them
    lastRun_ = lastFull_ = now;
    return {.full = true};
  }
  if (pending_.empty()) {
    return {};
  }
  lastRun_ = now;
  return {.full = false, .services = std::exchange(pending_, {})};
}

void SyncPacer::syncFailed() {
  fullPending_ = true;  // what failed may have been half-applied: re-read and repair everything
  retryAt_ = clock_.now() + retryDelay_;
  retryDelay_ = std::min(retryDelay_ * 2, kLastRetry);
}

void SyncPacer::syncSucceeded() {
  retryAt_.reset();
  retryDelay_ = kFirstRetry;
}

}  // namespace kipvs::core
