#pragma once

// kipvsd's orchestration: cluster events in (ClusterState), syncs out (SyncLoop), and after each applied
// sync or status change the listeners (SyncListener: firewall, IPv6 forwarding, bus view, systemd
// status, …). It owns the daemon's status and decides no Kubernetes semantics (core does); it touches
// the host only through the injected ports.

#include <memory>
#include <string>
#include <vector>

#include "app/cluster_state.hpp"
#include "app/config.hpp"
#include "app/sync_listener.hpp"
#include "app/sync_loop.hpp"
#include "app/sync_status.hpp"
#include "app/timers.hpp"
#include "core/host_ports.hpp"
#include "core/ports.hpp"

namespace kipvs::app {

// The adaptors the daemon itself drives: real ones from main, fakes in tests. (The firewall and IPv6
// forwarding are driven by their listeners.)
struct HostPorts {
  core::IpvsPort& ipvs;
  core::AddressPort& addresses;
  core::ConntrackPort& conntrack;
  core::StateStore& store;
  core::NodeAddressPort& nodeAddresses;
  // <state-dir>/last-known-good.json; saved and restored only with source = kubernetes.
  core::StateStore& lastKnownGood;
};

class Daemon final : private ClusterState::Observer, private SyncLoop::Observer {
 public:
  Daemon(Config config, Timers& timers, HostPorts ports, const core::Clock& clock);
  ~Daemon() override;

  // Listeners hear every applied sync and status change from now on, in the order they were added; each
  // must outlive the daemon or be removed first.
  void addListener(SyncListener& listener) { listeners_.push_back(&listener); }
  void removeListener(SyncListener& listener);

  // Adopts the kernel's state (writes nothing) and waits for the source's first complete snapshot; with
  // source = kubernetes, restores the last-known-good state if that snapshot is not there in time.
  core::AdoptionReport start();
  // Saves a pending last-known-good change (the kernel stays as programmed).
  void stop();
  // Called on the loop's thread for every event a source posted.
  void handle(k8s::SourceEvent&& event) { cluster_->handle(std::move(event)); }

  // Configuration changes that need no restart (scheduler, periods, CIDRs, drains…); the next sync applies
  // them.
  void reload(Config config);
  void requestResync() { sync_->requestFull(); }
  void setDrains(core::Drains drains) { sync_->setDrains(std::move(drains)); }

  // For sd_notify STATUS=: what the daemon is serving and why.
  std::string statusLine() const { return statusLineOf(status_); }

  const Config& config() const { return config_; }
  const DaemonStatus& status() const { return status_; }
  const core::NodeContext& nodeContext() const { return sync_->nodeContext(); }
  const core::Reconciler& reconciler() const { return sync_->reconciler(); }
  // For a start-up step between start() and the first sync (the kube-proxy takeover's adoption).
  core::Reconciler& reconciler() { return sync_->reconciler(); }
  const core::ClusterSnapshot& snapshot() const { return cluster_->live(); }
  // What the last sync programmed from: the source's snapshot, or the restored one until the source syncs.
  const core::ClusterSnapshot& activeSnapshot() const { return cluster_->active(); }
  const LastKnownGoodKeeper* keeper() const { return cluster_->keeper(); }
  const k8s::ClusterSubscription& subscription() const { return cluster_->subscription(); }

 private:
  // ClusterState::Observer
  void fullSyncNeeded() override { sync_->requestFull(); }
  void servicesChanged(const std::set<core::ObjectKey>& keys) override { sync_->servicesChanged(keys); }
  void changesQueued(const k8s::Delta& delta) override;
  void sourceStateChanged() override;
  // SyncLoop::Observer
  void applied(const AppliedSync& sync) override;
  void failed(const std::string& error) override;

  void refreshSourceStatus();
  void publishStatus();
  void readyTimeout();

  Config config_;
  DaemonStatus status_;
  std::unique_ptr<ClusterState> cluster_;
  std::unique_ptr<SyncLoop> sync_;
  std::vector<SyncListener*> listeners_;
  std::unique_ptr<Timer> readyTimer_;  // ready-timeout: READY=1 without a complete sync
};

}  // namespace kipvs::app
