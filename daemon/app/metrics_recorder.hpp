#pragma once

// Feeds kube-proxy's sync metrics from what the daemon sees: watch deltas (changes queued, and the
// EndpointSlice trigger times they carry) and finished syncs. Network programming latency is
// observed when the sync after a change finishes, once per changed EndpointSlice that carried
// endpoints.kubernetes.io/last-change-trigger-time, as kube-proxy does after each syncProxyRules
// (pkg/proxy/ipvs/proxier.go, checkoutTriggerTimes in pkg/proxy/endpointschangetracker.go). As there,
// trigger times from before kipvsd started are ignored: the first list would otherwise report the
// age of every slice in the cluster.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/sync_listener.hpp"
#include "k8s/cache.hpp"
#include "metrics/sync_metrics.hpp"

namespace kipvs::app {

class MetricsRecorder final : public SyncListener {
 public:
  using UnixClock = std::function<double()>;  // seconds since the epoch, with fractions

  explicit MetricsRecorder(UnixClock now = realtimeSeconds) : now_(std::move(now)), startedAt_(now_()) {}

  void queued(const k8s::Delta& delta);
  void synced(bool full, bool ok, std::chrono::microseconds duration);

  const metrics::SyncMetrics& sync() const { return sync_; }

  // SyncListener: a sync is "ok" when the reconciler applied all of it.
  std::string synced(const AppliedSync& sync) override;
  void changesQueued(const k8s::Delta& delta) override { queued(delta); }

  static double realtimeSeconds();

 private:
  UnixClock now_;
  double startedAt_;
  metrics::SyncMetrics sync_;
  std::vector<std::int64_t> pendingTriggersMs_;
};

}  // namespace kipvs::app
