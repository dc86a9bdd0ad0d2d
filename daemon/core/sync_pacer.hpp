#pragma once

// When to sync (kube-proxy pkg/util/async/bounded_frequency_runner.go): events are coalesced so that syncs
// run at most once per minSyncPeriod, and a full sync runs at least once per syncPeriod to repair drift. Pure
// bookkeeping: the caller arms its timer at nextDue() and runs what takeDue() returns.

#include <chrono>
#include <optional>
#include <set>

#include "core/cluster.hpp"
#include "core/ports.hpp"

namespace kipvs::core {

class SyncPacer {
 public:
  struct Batch {
    bool full = false;               // run Reconciler::fullSync
    std::set<ObjectKey> services{};  // else run Reconciler::syncServices on these

    bool empty() const { return !full && services.empty(); }
  };

  SyncPacer(const Clock& clock, std::chrono::milliseconds minSyncPeriod, std::chrono::milliseconds syncPeriod)
      : clock_(clock), minSyncPeriod_(minSyncPeriod), syncPeriod_(syncPeriod) {}

  void serviceChanged(const ObjectKey& key) { pending_.insert(key); }
  void requestFull() { fullPending_ = true; }  // start, node or drain change, Resync()

  // The earliest time something is due (may be in the past: run now).
  Clock::TimePoint nextDue() const;
  // What is due now, marked as run; empty when nothing is due yet.
  Batch takeDue();

  // The batch just taken threw before it was applied (a port failed as a whole, e.g. the IPVS listing):
  // a full sync is due again after a backoff that starts at kFirstRetry and doubles up to kLastRetry.
  void syncFailed();
  // A batch was applied: the backoff starts over.
  void syncSucceeded();
  std::chrono::milliseconds retryDelay() const { return retryDelay_; }  // the backoff the next failure waits

  static constexpr std::chrono::milliseconds kFirstRetry{1000};
  static constexpr std::chrono::milliseconds kLastRetry{30'000};

 private:
  Clock::TimePoint earliestRun() const;

  const Clock& clock_;
  std::chrono::milliseconds minSyncPeriod_;
  std::chrono::milliseconds syncPeriod_;
  std::set<ObjectKey> pending_;
  bool fullPending_ = false;
  std::optional<Clock::TimePoint> lastRun_;
  std::optional<Clock::TimePoint> lastFull_;
  std::optional<Clock::TimePoint> retryAt_;  // after a failure, nothing runs before this
  std::chrono::milliseconds retryDelay_ = kFirstRetry;
};

}  // namespace kipvs::core
