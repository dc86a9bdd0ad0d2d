#pragma once

// kipvsd's own health as kube-proxy's health server judges it (pkg/proxy/healthcheck/proxy_health.go):
// a change that was queued (a Service, EndpointSlice or Node event) and not applied by a sync within
// the health timeout (2 × sync-period, as cmd/kube-proxy/app/server.go passes it) makes the proxy
// unhealthy; before the first sync it is healthy. /healthz also fails while the Node is being deleted
// or carries the cluster autoscaler's ToBeDeletedByClusterAutoscaler taint (KEP-3836); /livez does not
// look at the Node. Pure bookkeeping: the caller says when things happened.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cluster.hpp"
#include "core/ports.hpp"

namespace kipvs::core {

// One instant on both clocks: the steady one decides, the wall one is shown.
struct HealthMoment {
  Clock::TimePoint steady{};
  std::chrono::system_clock::time_point wall{};
};

class ProxyHealth {
 public:
  explicit ProxyHealth(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  // QueuedUpdate: a change waits to be applied; the oldest one not applied yet is what counts.
  void queued(const HealthMoment& now);
  // Updated: a sync applied everything queued before it.
  void updated(const HealthMoment& now);
  // Beyond kube-proxy: the API server cannot be reached, so changes may wait that this node cannot
  // even see. Lost for longer than the timeout is unhealthy until the connection is back (periodic
  // syncs do not clear it: they re-apply what is known).
  void sourceLost(const HealthMoment& now);
  void sourceBack() { sourceLost_.reset(); }
  // SyncNode: eligible unless the Node is being deleted or tainted ToBeDeletedByClusterAutoscaler.
  void syncNode(const std::optional<Node>& node);

  // IsHealthy: freshness only, the Node is not looked at (the Service health-check ports use this).
  bool healthy(Clock::TimePoint now) const;
  bool nodeEligible() const { return nodeEligible_; }
  std::optional<HealthMoment> lastUpdated() const { return lastUpdated_; }
  std::optional<HealthMoment> oldestQueued() const { return oldestQueued_; }

 private:
  std::chrono::milliseconds timeout_;
  std::optional<HealthMoment> lastUpdated_;
  std::optional<HealthMoment> oldestQueued_;
  std::optional<HealthMoment> sourceLost_;
  bool nodeEligible_ = true;  // until a Node event says otherwise
};

// The cluster autoscaler's taint on a node it is about to delete.
inline constexpr std::string_view kToBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";
bool nodeEligible(const Node& node);

struct HealthAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  bool operator==(const HealthAnswer&) const = default;
};

// GET /healthz and /livez, with kube-proxy's JSON: {"lastUpdated": …,"currentTime": …, "nodeEligible": …}
// (livez without nodeEligible). lastUpdated is the current time while healthy, as kube-proxy keeps it.
HealthAnswer healthzAnswer(const ProxyHealth& health, const HealthMoment& now);
HealthAnswer livezAnswer(const ProxyHealth& health, const HealthMoment& now);

// kubeproxy_proxy_healthz_total{code} and kubeproxy_proxy_livez_total{code}: answers by status code.
struct HealthCounters {
  std::map<int, std::uint64_t> healthz;
  std::map<int, std::uint64_t> livez;

  bool operator==(const HealthCounters&) const = default;
};

// A time the way Go prints a time.Time in UTC ("2006-01-02 15:04:05.999999999 +0000 UTC", fraction
// without trailing zeros), which is what kube-proxy's JSON carries; no time: Go's zero time.
std::string goTimeString(std::optional<std::chrono::system_clock::time_point> time);

}  // namespace kipvs::core
