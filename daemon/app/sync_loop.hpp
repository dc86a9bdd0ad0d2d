#pragma once

// When and how the kernel is brought to the desired state: the pacer's batches on a timer, the
// reconciler (full or incremental), reaping of draining TCP real servers, the node facts the reconciler
// computes with, and the backoff after an attempt that threw. It reports each applied sync and each
// failed attempt to its Observer; what follows a sync (firewall, bus, status) is not its business.

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "app/cluster_state.hpp"
#include "app/config.hpp"
#include "app/sync_listener.hpp"
#include "app/timers.hpp"
#include "core/host_ports.hpp"
#include "core/reconciler.hpp"
#include "core/sync_pacer.hpp"

namespace kipvs::app {

// The ports the reconciler drives, and the node's addresses for NodePorts.
struct ReconcilerPorts {
  core::IpvsPort& ipvs;
  core::AddressPort& addresses;
  core::ConntrackPort& conntrack;
  core::StateStore& store;
  core::NodeAddressPort& nodeAddresses;
};

class SyncLoop {
 public:
  class Observer {
   public:
    virtual ~Observer() = default;
    virtual void applied(const AppliedSync& sync) = 0;
    virtual void failed(const std::string& error) = 0;  // the attempt threw; retried with backoff
  };

  SyncLoop(const Config& config, Timers& timers, ReconcilerPorts ports, const core::Clock& clock,
           const ClusterState& cluster, Observer& observer);
  ~SyncLoop();

  core::AdoptionReport start();  // adopts the kernel's state; writes nothing
  void requestFull();
  void servicesChanged(const std::set<core::ObjectKey>& keys);
  void reload();  // the config changed (periods, node facts): re-paced, then a full sync
  void setDrains(core::Drains drains);

  const core::Reconciler& reconciler() const { return *reconciler_; }
  core::Reconciler& reconciler() { return *reconciler_; }
  const core::NodeContext& nodeContext() const { return node_; }

 private:
  core::NodeContext buildNodeContext() const;
  void refreshNode();
  void schedule();
  void runDue();
  // Runs one sync step; what it throws (a port failing as a whole) is reported and a full sync retried
  // after the pacer's backoff. A core::FatalError goes on to the loop's edge.
  void attempt(const char* what, const std::function<void()>& step);
  void report(const core::ReconcileReport& report, bool full, std::chrono::microseconds duration);
  static void logSync(bool full, const core::ReconcileReport& report, std::chrono::microseconds reconciled,
                      std::chrono::microseconds total);

  const Config& config_;
  ReconcilerPorts ports_;
  const core::Clock& clock_;
  const ClusterState& cluster_;
  Observer& observer_;
  core::Drains drains_;
  core::NodeContext node_;
  std::unique_ptr<core::Reconciler> reconciler_;
  std::unique_ptr<core::SyncPacer> pacer_;
  std::unique_ptr<Timer> syncTimer_;
  std::unique_ptr<Timer> reapTimer_;
};

}  // namespace kipvs::app
