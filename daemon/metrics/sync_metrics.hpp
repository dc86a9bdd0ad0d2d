#pragma once

// kube-proxy's sync metrics, with its names, help texts and buckets (pkg/proxy/metrics/metrics.go), fed
// by kipvsd's syncs. Pure: the caller passes the time (seconds since the Unix epoch).
//
// kipvs programs both IP families in one sync, so the histograms carry no ip_family label (newer
// kube-proxy runs one proxier per family and labels them). "Full" is kipvsd's full sync (start, node
// change, Resync, every sync-period); "partial" is an incremental sync of the changed Services, as in
// kube-proxy's iptables and nftables modes.

#include <chrono>
#include <cstdint>

#include "metrics/exposition.hpp"

namespace kipvs::metrics {

struct SyncRecord {
  bool full = false;
  bool ok = true;  // everything applied: only then is last_timestamp_seconds moved
  std::chrono::microseconds duration{0};
  double finishedAt = 0;  // Unix seconds
};

class SyncMetrics {
 public:
  SyncMetrics();

  // A watch delta arrived: `serviceChanges` Service objects and `endpointChanges` EndpointSlices
  // changed (added, updated or removed). They are pending until the next sync.
  void changesQueued(std::uint64_t serviceChanges, std::uint64_t endpointChanges, double now);
  void synced(const SyncRecord& record);
  // From an EndpointSlice's endpoints.kubernetes.io/last-change-trigger-time to the sync that
  // programmed it. Negative values (clock skew between the control plane and this node) are dropped,
  // as kube-proxy drops them.
  void networkProgrammed(double seconds);

  void write(TextWriter& writer) const;

  std::uint64_t syncs() const { return syncDuration_.count(); }
  double lastSyncedAt() const { return lastSynced_; }

 private:
  Histogram syncDuration_;
  Histogram fullSyncDuration_;
  Histogram partialSyncDuration_;
  Histogram networkProgramming_;
  double lastSynced_ = 0;
  double lastQueued_ = 0;
  std::uint64_t serviceChangesPending_ = 0;
  std::uint64_t endpointChangesPending_ = 0;
  std::uint64_t serviceChangesTotal_ = 0;
  std::uint64_t endpointChangesTotal_ = 0;
  std::uint64_t syncFailures_ = 0;
};

}  // namespace kipvs::metrics
