#pragma once

// The daemon's plug-in point: a SyncListener hears about every applied sync and every status change.
// The firewall, IPv6 forwarding, the bus view and systemd's STATUS= are each one listener; metrics,
// health endpoints and Kubernetes Events plug in the same way (Daemon::addListener), without edits to
// the sync loop.

#include <chrono>
#include <cstdint>
#include <string>

#include "app/sync_status.hpp"
#include "core/desired_state.hpp"
#include "core/node_context.hpp"
#include "core/reconciler.hpp"
#include "k8s/cache.hpp"

namespace kipvs::app {

// One sync the reconciler ran through (its report may still hold failed operations).
struct AppliedSync {
  const core::DesiredState& desired;
  const core::NodeContext& node;
  const core::ReconcileReport& report;
  bool full = false;                      // a full sync (else report.touched says what may have changed)
  std::chrono::microseconds duration{0};  // time in the reconciler
  std::uint64_t finishedUsec = 0;         // CLOCK_REALTIME
};

class SyncListener {
 public:
  virtual ~SyncListener() = default;
  // After each applied sync, in the order the listeners were added. A non-empty sentence says what this
  // listener could not do (the firewall refused); it makes the sync degraded and becomes LastError.
  virtual std::string synced(const AppliedSync& /*sync*/) { return {}; }
  // After each sync (applied or failed) and each change of the source's state, once the daemon's status
  // holds it. Listeners that show a summary compare it with what they showed last.
  virtual void statusChanged(const DaemonStatus& /*status*/) {}
  // A batch of watch changes arrived; the syncs that apply them follow (kube-proxy's "queued" update).
  virtual void changesQueued(const k8s::Delta& /*delta*/) {}
};

}  // namespace kipvs::app
