#include "app/daemon.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace kipvs::app {

Daemon::Daemon(Config config, Timers& timers, HostPorts ports, const core::Clock& clock)
    : config_(std::move(config)),
      cluster_(std::make_unique<ClusterState>(config_, timers, clock, ports.lastKnownGood,
                                              static_cast<ClusterState::Observer&>(*this))),
      sync_(std::make_unique<SyncLoop>(config_, timers,
                                       ReconcilerPorts{.ipvs = ports.ipvs,
                                                       .addresses = ports.addresses,
                                                       .conntrack = ports.conntrack,
                                                       .store = ports.store,
                                                       .nodeAddresses = ports.nodeAddresses},
                                       clock, *cluster_, static_cast<SyncLoop::Observer&>(*this))),
      readyTimer_(timers.makeTimer([this] { readyTimeout(); })) {
  status_.needsConnection = config_.source == SourceKind::Kubernetes;
  status_.readyTimeout = formatDuration(config_.readyTimeout);
}

Daemon::~Daemon() = default;

void Daemon::removeListener(SyncListener& listener) {
  std::erase(listeners_, &listener);
}

core::AdoptionReport Daemon::start() {
  auto report = sync_->start();
  cluster_->start();
  if (config_.readyTimeout.count() > 0) {
    readyTimer_->armIn(config_.readyTimeout);
  }
  return report;
}

void Daemon::stop() {
  readyTimer_->cancel();
  cluster_->stop();
}

// No complete sync within ready-timeout: an API server that runs as a static pod of this node's kubelet,
// which is ordered after kipvsd, cannot answer before kubelet starts. READY=1 lets the boot go on (the
// StatusLine listener sends it, saying why); the first sync follows when the source delivers.
void Daemon::readyTimeout() {
  if (status_.ready) {
    return;
  }
  status_.readyTimedOut = true;
  log::warning("no complete sync " + status_.readyTimeout + " after start (" + statusLineOf(status_) +
                   "); telling systemd the service is ready so the boot goes on",
               {{"KIPVS_READY_TIMEOUT", status_.readyTimeout}});
  publishStatus();
}

void Daemon::reload(Config config) {
  config_ = std::move(config);  // cluster_ and sync_ hold references to config_
  status_.needsConnection = config_.source == SourceKind::Kubernetes;
  sync_->reload();
}

void Daemon::refreshSourceStatus() {
  status_.sourceSynced = cluster_->sourceSynced();
  status_.connected = cluster_->connected();
  status_.restoredFromState = cluster_->restoredFromState();
  status_.restoredDescription = cluster_->restoredDescription();
}

void Daemon::sourceStateChanged() {
  refreshSourceStatus();
  if (!cluster_->lastFailure().empty()) {
    status_.lastError = cluster_->lastFailure();
  }
  publishStatus();
}

void Daemon::changesQueued(const k8s::Delta& delta) {
  for (auto* listener : listeners_) {
    listener->changesQueued(delta);
  }
}

void Daemon::applied(const AppliedSync& sync) {
  std::string problem;
  for (auto* listener : listeners_) {
    auto said = listener->synced(sync);
    if (problem.empty()) {
      problem = std::move(said);
    }
  }
  const auto& report = sync.report;
  status_.lastSyncOk = report.ok() && problem.empty();
  if (!status_.lastSyncOk) {
    status_.lastError = !problem.empty() ? problem
                        : !report.errors.empty()
                            ? report.errors.front()
                            : std::to_string(report.failures.size()) + " IPVS operations failed";
  }
  status_.lastSyncUsec = sync.finishedUsec;
  status_.virtualServices = sync.desired.services.size();
  ++status_.syncs;
  if (cluster_->finishRestore()) {
    log::notice("synced with the API server: " + std::to_string(status_.virtualServices) +
                " virtual services; no longer serving the restored state");
  }
  refreshSourceStatus();
  if (!status_.ready) {
    status_.ready = true;
    readyTimer_->cancel();
    log::notice(std::string(status_.restoredFromState ? "first sync (restored state)" : "first sync") +
                " complete: " + std::to_string(status_.virtualServices) + " virtual services");
  }
  publishStatus();
  cluster_->applied();
}

void Daemon::failed(const std::string& error) {
  ++status_.failedSyncs;
  status_.lastSyncOk = false;
  status_.lastError = error;
  publishStatus();
}

void Daemon::publishStatus() {
  for (auto* listener : listeners_) {
    listener->statusChanged(status_);
  }
}

}  // namespace kipvs::app
