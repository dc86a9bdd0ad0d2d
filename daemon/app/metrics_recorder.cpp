#include "app/metrics_recorder.hpp"

#include <time.h>

namespace kipvs::app {

// Pending trigger times are bounded: a sync that keeps failing to run must not grow memory without
// end (the oldest are the ones kept; later ones only lose their latency sample).
constexpr std::size_t kMaxPendingTriggers = 100'000;

double MetricsRecorder::realtimeSeconds() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void MetricsRecorder::queued(const k8s::Delta& delta) {
  sync_.changesQueued(delta.serviceChanges, delta.endpointChanges, now_());
  for (const auto trigger : delta.endpointTriggerTimesMs) {
    if (static_cast<double>(trigger) / 1000.0 > startedAt_ &&
        pendingTriggersMs_.size() < kMaxPendingTriggers) {
      pendingTriggersMs_.push_back(trigger);
    }
  }
}

std::string MetricsRecorder::synced(const AppliedSync& sync) {
  synced(sync.full, sync.report.ok(), sync.duration);
  return {};
}

void MetricsRecorder::synced(bool full, bool ok, std::chrono::microseconds duration) {
  const double now = now_();
  sync_.synced({.full = full, .ok = ok, .duration = duration, .finishedAt = now});
  if (!ok) {
    return;  // the changes are programmed by the sync that succeeds
  }
  for (const auto trigger : pendingTriggersMs_) {
    sync_.networkProgrammed(now - static_cast<double>(trigger) / 1000.0);
  }
  pendingTriggersMs_.clear();
}

}  // namespace kipvs::app
