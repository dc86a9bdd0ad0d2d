#include "metrics/sync_metrics.hpp"

namespace kipvs::metrics {
namespace {

// kube-proxy's NetworkProgrammingLatency buckets: a 0 bound (its merge() starts from one zero
// element), 0.25 s and 0.5 s, 1 s to 59 s by 1 s, 60 s to 115 s by 5 s, 120 s to 300 s by 30 s.
std::vector<double> networkProgrammingBuckets() {
  std::vector<double> bounds{0};
  for (const auto& part : {linearBuckets(0.25, 0.25, 2), linearBuckets(1, 1, 59), linearBuckets(60, 5, 12),
                           linearBuckets(120, 30, 7)}) {
    bounds.insert(bounds.end(), part.begin(), part.end());
  }
  return bounds;
}

}  // namespace

SyncMetrics::SyncMetrics()
    : syncDuration_(exponentialBuckets(0.001, 2, 15)),
      fullSyncDuration_(exponentialBuckets(0.001, 2, 15)),
      partialSyncDuration_(exponentialBuckets(0.001, 2, 15)),
      networkProgramming_(networkProgrammingBuckets()) {}

void SyncMetrics::changesQueued(std::uint64_t serviceChanges, std::uint64_t endpointChanges, double now) {
  serviceChangesPending_ += serviceChanges;
  endpointChangesPending_ += endpointChanges;
  serviceChangesTotal_ += serviceChanges;
  endpointChangesTotal_ += endpointChanges;
  if (serviceChanges + endpointChanges > 0) {
    lastQueued_ = now;
  }
}

void SyncMetrics::synced(const SyncRecord& record) {
  const double seconds = std::chrono::duration<double>(record.duration).count();
  syncDuration_.observe(seconds);
  (record.full ? fullSyncDuration_ : partialSyncDuration_).observe(seconds);
  serviceChangesPending_ = 0;
  endpointChangesPending_ = 0;
  if (record.ok) {
    lastSynced_ = record.finishedAt;
  } else {
    ++syncFailures_;
  }
}

void SyncMetrics::networkProgrammed(double seconds) {
  if (seconds >= 0) {
    networkProgramming_.observe(seconds);
  }
}

void SyncMetrics::write(TextWriter& writer) const {
  const std::vector<Label> none;
  writer.family("kubeproxy_sync_proxy_rules_duration_seconds", MetricType::Histogram,
                "SyncProxyRules latency in seconds");
  writer.histogram("kubeproxy_sync_proxy_rules_duration_seconds", none, syncDuration_);
  writer.family("kubeproxy_sync_full_proxy_rules_duration_seconds", MetricType::Histogram,
                "SyncProxyRules latency in seconds for full resyncs");
  writer.histogram("kubeproxy_sync_full_proxy_rules_duration_seconds", none, fullSyncDuration_);
  writer.family("kubeproxy_sync_partial_proxy_rules_duration_seconds", MetricType::Histogram,
                "SyncProxyRules latency in seconds for partial resyncs");
  writer.histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds", none, partialSyncDuration_);
  writer.family("kubeproxy_sync_proxy_rules_last_timestamp_seconds", MetricType::Gauge,
                "The last time proxy rules were successfully synced");
  writer.sample("kubeproxy_sync_proxy_rules_last_timestamp_seconds", {}, lastSynced_);
  writer.family("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", MetricType::Gauge,
                "The last time a sync of proxy rules was queued");
  writer.sample("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", {}, lastQueued_);
  writer.family("kubeproxy_network_programming_duration_seconds", MetricType::Histogram,
                "In Cluster Network Programming Latency in seconds");
  writer.histogram("kubeproxy_network_programming_duration_seconds", none, networkProgramming_);
  writer.family("kubeproxy_sync_proxy_rules_endpoint_changes_pending", MetricType::Gauge,
                "Pending proxy rules Endpoint changes");
  writer.sample("kubeproxy_sync_proxy_rules_endpoint_changes_pending", {}, endpointChangesPending_);
  writer.family("kubeproxy_sync_proxy_rules_endpoint_changes_total", MetricType::Counter,
                "Cumulative proxy rules Endpoint changes");
  writer.sample("kubeproxy_sync_proxy_rules_endpoint_changes_total", {}, endpointChangesTotal_);
  writer.family("kubeproxy_sync_proxy_rules_service_changes_pending", MetricType::Gauge,
                "Pending proxy rules Service changes");
  writer.sample("kubeproxy_sync_proxy_rules_service_changes_pending", {}, serviceChangesPending_);
  writer.family("kubeproxy_sync_proxy_rules_service_changes_total", MetricType::Counter,
                "Cumulative proxy rules Service changes");
  writer.sample("kubeproxy_sync_proxy_rules_service_changes_total", {}, serviceChangesTotal_);
  writer.family("kipvs_sync_failures_total", MetricType::Counter,
                "Syncs that left something unapplied (an IPVS operation, an address or the firewall)");
  writer.sample("kipvs_sync_failures_total", {}, syncFailures_);
}

}  // namespace kipvs::metrics
