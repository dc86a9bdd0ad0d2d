#pragma once

// kipvsd's orchestration: cluster events in, reconciler syncs paced by SyncPacer, firewall and bus
// updated after each applied plan, systemd told when the first complete sync is done. It decides no
// Kubernetes semantics (core does) and touches the host only through the injected ports.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/last_known_good_keeper.hpp"
#include "app/timers.hpp"
#include "core/firewall_deriver.hpp"
#include "core/ports.hpp"
#include "core/reconciler.hpp"
#include "core/sync_pacer.hpp"
#include "k8s/subscription.hpp"

namespace kipvs::app {

// The adaptors the daemon drives: real ones from main, fakes in tests.
struct HostPorts {
  core::IpvsPort& ipvs;
  core::AddressPort& addresses;
  core::ConntrackPort& conntrack;
  core::StateStore& store;
  std::function<void(const core::FirewallSpec&)> applyFirewall;
  // Element changes only, after a successful applyFirewall. Empty: applyFirewall gets the whole spec.
  std::function<void(const core::FirewallDelta&)> updateFirewall;
  std::function<std::vector<core::IpAddress>()> localAddresses;  // NodePort candidates, kipvs0 excluded
  // <state-dir>/last-known-good.json (source = kubernetes); null: neither saved nor restored.
  core::StateStore* lastKnownGood = nullptr;
  // Turns net.ipv6.conf.all.forwarding on (IPVS NAT to IPv6 pods needs it); called once, when the
  // desired state first holds an IPv6 virtual service, and never undone. Empty: not managed.
  std::function<void()> enableIpv6Forwarding;
};

// Where the daemon reports what it did (the D-Bus publisher in kipvsd).
class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  virtual void synced(const core::DesiredState& desired, const core::ReconcileReport& report,
                      std::chrono::microseconds duration) = 0;
  virtual void statusChanged() = 0;
};

struct DaemonStatus {
  bool ready = false;  // first complete sync done
  bool sourceSynced = false;
  bool connected = false;
  bool lastSyncOk = true;          // the last sync applied everything (IPVS, addresses, firewall)
  bool restoredFromState = false;  // serving the last-known-good state, the source has not synced yet
  std::string lastError;
  std::uint64_t lastSyncUsec = 0;  // CLOCK_REALTIME of the last applied sync
  std::uint64_t syncs = 0;
  std::uint64_t failedSyncs = 0;  // attempts that threw before they were applied (retried with backoff)
};

class Daemon final : public k8s::SubscriptionCallbacks {
 public:
  Daemon(Config config, Timers& timers, HostPorts ports, const core::Clock& clock);
  ~Daemon() override;

  // Adopts the kernel's state (writes nothing) and waits for the source's first complete snapshot; with
  // source = kubernetes, restores the last-known-good state if that snapshot is not there in time.
  core::AdoptionReport start();
  // Saves a pending last-known-good change (the kernel stays as programmed).
  void stop();
  // Called on the loop's thread for every event a source posted.
  void handle(k8s::SourceEvent&& event);

  // Configuration changes that need no restart (scheduler, periods, CIDRs, drains…); the next sync applies
  // them.
  void reload(Config config);
  void requestResync();
  void setDrains(core::Drains drains);

  void setObserver(SyncObserver* observer) { observer_ = observer; }
  // Ready: the first complete sync, from the source or from the restored last-known-good state.
  void onFirstSync(std::function<void()> callback) { onFirstSync_ = std::move(callback); }
  // statusLine() changed after ready (restored → synced, API server lost or back, degraded, count).
  void onStatusChanged(std::function<void()> callback) { onStatusChanged_ = std::move(callback); }
  // For sd_notify STATUS=: what the daemon is serving and why.
  std::string statusLine() const;

  const Config& config() const { return config_; }
  const DaemonStatus& status() const { return status_; }
  const core::NodeContext& nodeContext() const { return node_; }
  const core::Reconciler& reconciler() const { return *reconciler_; }
  const core::ClusterSnapshot& snapshot() const { return subscription_->cache().snapshot(); }
  // What the last sync programmed from: the source's snapshot, or the restored one until the source syncs.
  const core::ClusterSnapshot& activeSnapshot() const { return restored_ ? restored_->snapshot : snapshot(); }
  const LastKnownGoodKeeper* keeper() const { return keeper_.get(); }
  const k8s::ClusterSubscription& subscription() const { return *subscription_; }

  // SubscriptionCallbacks
  void onSnapshot(const core::ClusterSnapshot& snapshot) override;
  void onDelta(const core::ClusterSnapshot& snapshot, const k8s::Delta& delta) override;
  void onFailure(k8s::FailureReason reason, const std::string& detail) override;

 private:
  core::NodeContext buildNodeContext() const;
  void schedule();
  void runDue();
  // Runs one sync step; what it throws (a port failing as a whole) makes the state degraded and the
  // pacer retry a full sync with backoff. Returns whether it ran through.
  bool attempt(const char* what, const std::function<void()>& step);
  // `full`: after a full sync (else the report's touched keys say what changed).
  void afterSync(const core::ReconcileReport& report, std::chrono::microseconds duration, bool full);
  // Brings the firewall to the desired state: whole after a full sync or a failure, by element changes
  // otherwise. Returns the error, empty on success.
  std::string syncFirewall(bool full, const core::ReconcileReport& report);
  static void logSync(bool full, const core::ReconcileReport& report, std::chrono::microseconds reconciled,
                      std::chrono::microseconds total);
  void refreshNode();
  void restore();
  void ensureIpv6Forwarding();
  void publishStatusLine();

  Config config_;
  Timers& timers_;
  HostPorts ports_;
  const core::Clock& clock_;
  core::Drains drains_;
  core::NodeContext node_;
  std::unique_ptr<core::Reconciler> reconciler_;
  std::unique_ptr<core::SyncPacer> pacer_;
  std::unique_ptr<k8s::ClusterSubscription> subscription_;
  std::unique_ptr<Timer> syncTimer_;
  std::unique_ptr<Timer> reapTimer_;
  std::unique_ptr<Timer> restoreTimer_;
  std::unique_ptr<LastKnownGoodKeeper> keeper_;
  std::optional<RestoredState> restored_;  // until the source's first complete snapshot
  std::string restoredDescription_;
  std::string lastStatusLine_;  // the last one handed to onStatusChanged (or READY=1)
  bool snapshotChanged_ = false;
  bool ipv6ForwardingOn_ = false;  // since the last hand-over to the keeper
  core::FirewallDeriver firewall_;
  bool firewallCurrent_ = false;  // the firewall holds firewall_'s spec (else the next sync applies it whole)
  SyncObserver* observer_ = nullptr;
  std::function<void()> onFirstSync_;
  std::function<void()> onStatusChanged_;
  DaemonStatus status_;
};

}  // namespace kipvs::app
