#pragma once

// What kipvsd knows of the cluster: the source's subscription (Services, EndpointSlices, this Node), the
// restored last-known-good snapshot while the source has not synced (source = kubernetes), and whether
// the source is connected. It programs nothing: it tells its Observer what changed, and the sync loop
// reads active() when it runs.

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "app/config.hpp"
#include "app/last_known_good_keeper.hpp"
#include "app/timers.hpp"
#include "core/ports.hpp"
#include "k8s/subscription.hpp"

namespace kipvs::app {

class ClusterState final : public k8s::SubscriptionCallbacks {
 public:
  class Observer {
   public:
    virtual ~Observer() = default;
    virtual void fullSyncNeeded() = 0;  // first snapshot, restored state, node changed
    virtual void servicesChanged(const std::set<core::ObjectKey>& keys) = 0;
    virtual void changesQueued(const k8s::Delta& /*delta*/) {}  // every delta, before the above
    virtual void sourceStateChanged() = 0;                      // connected, lost, failed, restored, synced
  };

  // `lastKnownGood` is saved and restored only with source = kubernetes.
  ClusterState(const Config& config, Timers& timers, const core::Clock& clock,
               core::StateStore& lastKnownGood, Observer& observer);
  ~ClusterState() override;

  void start();  // arms the restore timer
  void stop();   // saves a pending last-known-good change
  void handle(k8s::SourceEvent&& event);
  // A sync was applied from active(): the source's snapshot may be saved as last-known-good now.
  void applied();
  // The restored state is no longer served once a sync from the source's snapshot was applied.
  bool finishRestore();

  // What the next sync programs from: the source's snapshot, or the restored one until the source syncs.
  const core::ClusterSnapshot& active() const { return restored_ ? restored_->snapshot : live(); }
  const core::ClusterSnapshot& live() const { return subscription_->cache().snapshot(); }
  bool syncable() const { return sourceSynced_ || restored_.has_value(); }
  bool sourceSynced() const { return sourceSynced_; }
  bool connected() const { return connected_; }
  bool restoredFromState() const { return restoredFromState_; }
  const std::string& restoredDescription() const { return restoredDescription_; }
  const std::string& lastFailure() const { return lastFailure_; }
  const LastKnownGoodKeeper* keeper() const { return keeper_.get(); }
  const k8s::ClusterSubscription& subscription() const { return *subscription_; }

  // SubscriptionCallbacks
  void onSnapshot(const core::ClusterSnapshot& snapshot) override;
  void onDelta(const core::ClusterSnapshot& snapshot, const k8s::Delta& delta) override;
  void onFailure(k8s::FailureReason reason, const std::string& detail) override;

 private:
  void restore();

  const Config& config_;
  Observer& observer_;
  std::unique_ptr<k8s::ClusterSubscription> subscription_;
  std::unique_ptr<LastKnownGoodKeeper> keeper_;
  std::unique_ptr<Timer> restoreTimer_;
  std::optional<RestoredState> restored_;  // until the source's first complete snapshot
  std::string restoredDescription_;
  std::string lastFailure_;
  bool sourceSynced_ = false;
  bool connected_ = false;
  bool restoredFromState_ = false;  // until the first sync from the source's snapshot
  bool snapshotChanged_ = false;    // since the last hand-over to the keeper
};

}  // namespace kipvs::app
