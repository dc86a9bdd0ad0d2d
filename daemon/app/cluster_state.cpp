#include "app/cluster_state.hpp"

#include "core/log.hpp"

namespace kipvs::app {
namespace {

// At most one last-known-good save per interval: a LIST of 10k Services is megabytes of JSON.
constexpr std::chrono::milliseconds kSaveInterval{10'000};

std::set<k8s::ResourceKind> requiredResources(const Config& config) {
  std::set<k8s::ResourceKind> kinds{k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice};
  if (config.source == SourceKind::Kubernetes && !config.nodeName.empty()) {
    kinds.insert(k8s::ResourceKind::Node);
  }
  return kinds;
}

}  // namespace

ClusterState::ClusterState(const Config& config, Timers& timers, const core::Clock& clock,
                           core::StateStore& lastKnownGood, Observer& observer)
    : config_(config),
      observer_(observer),
      subscription_(std::make_unique<k8s::ClusterSubscription>(*this, requiredResources(config_))),
      restoreTimer_(timers.makeTimer([this] { restore(); })) {
  if (config_.source == SourceKind::Kubernetes) {
    keeper_ = std::make_unique<LastKnownGoodKeeper>(
        lastKnownGood, lastKnownGoodPath(config_).string(), config_.nodeName, timers, clock, kSaveInterval,
        [this]() -> const core::ClusterSnapshot& { return live(); });
  }
}

ClusterState::~ClusterState() = default;

void ClusterState::start() {
  if (keeper_ && config_.restoreAfter.count() > 0) {
    restoreTimer_->armIn(config_.restoreAfter);
  }
}

void ClusterState::stop() {
  restoreTimer_->cancel();
  if (keeper_ && sourceSynced_) {
    keeper_->flush();
  }
}

// The API server has not delivered a complete snapshot in time (traffic rule 3 in daemon/README.md):
// program what this node last knew and say so; the source's first snapshot replaces it through the
// normal diff.
void ClusterState::restore() {
  if (sourceSynced_ || !keeper_) {
    return;
  }
  log::warning("no complete snapshot from the API server after " +
               std::to_string(config_.restoreAfter.count()) + " ms; looking for the last-known-good state");
  auto restored = keeper_->load();
  if (!restored) {
    return;
  }
  restoredDescription_ = restored->description;
  restored_ = std::move(restored);
  restoredFromState_ = true;
  log::warning(restoredDescription_ + "; SyncState is stale until the API server syncs",
               {{"KIPVS_RESTORED_FROM", keeper_->path()}});
  observer_.fullSyncNeeded();
}

void ClusterState::handle(k8s::SourceEvent&& event) {
  if (event.type != k8s::SourceEvent::Type::Failure && !connected_) {
    connected_ = true;
    observer_.sourceStateChanged();
  }
  subscription_->handle(std::move(event));
}

void ClusterState::applied() {
  if (keeper_ && sourceSynced_ && snapshotChanged_) {
    snapshotChanged_ = false;  // saved now or once the interval has passed (the keeper reads it then)
    keeper_->changed();
  }
}

bool ClusterState::finishRestore() {
  if (!restoredFromState_ || !sourceSynced_) {
    return false;
  }
  restoredFromState_ = false;
  return true;
}

void ClusterState::onSnapshot(const core::ClusterSnapshot& snapshot) {
  log::info("source synced: " + std::to_string(snapshot.services.size()) + " Services");
  sourceSynced_ = true;
  snapshotChanged_ = true;
  restoreTimer_->cancel();
  if (restored_) {
    log::notice(
        "the API server synced: replacing the restored last-known-good state (only the differences "
        "are applied)");
    restored_.reset();
  }
  observer_.fullSyncNeeded();
}

void ClusterState::onDelta(const core::ClusterSnapshot& /*snapshot*/, const k8s::Delta& delta) {
  log::debug("source delta: " + std::to_string(delta.services.size()) + " Services changed" +
             (delta.nodeChanged ? ", node changed" : ""));
  snapshotChanged_ = true;
  observer_.changesQueued(delta);
  if (delta.nodeChanged) {
    observer_.fullSyncNeeded();
  } else {
    observer_.servicesChanged(delta.services);
  }
}

void ClusterState::onFailure(k8s::FailureReason reason, const std::string& detail) {
  lastFailure_ = std::string(k8s::toString(reason)) + ": " + detail;
  if (reason != k8s::FailureReason::MalformedObject) {
    connected_ = false;
  }
  log::warning("source: " + lastFailure_, {{"KIPVS_SOURCE_FAILURE", std::string(k8s::toString(reason))}});
  observer_.sourceStateChanged();
}

}  // namespace kipvs::app
