#include "app/daemon.hpp"

#include <time.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "core/callback_edge.hpp"
#include "core/firewall_derive.hpp"
#include "core/log.hpp"

namespace kipvs::app {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr milliseconds kReapInterval{1000};  // how often draining TCP real servers are checked
// At most one last-known-good save per interval: a LIST of 10k Services is megabytes of JSON.
constexpr milliseconds kSaveInterval{10'000};

std::uint64_t realtimeUsec() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000ULL +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000ULL;
}

std::set<k8s::ResourceKind> requiredResources(const Config& config) {
  std::set<k8s::ResourceKind> kinds{k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice};
  if (config.source == SourceKind::Kubernetes && !config.nodeName.empty()) {
    kinds.insert(k8s::ResourceKind::Node);
  }
  return kinds;
}

core::ReconcilerOptions reconcilerOptions(const Config& config) {
  return {.gracefulDeadline = duration_cast<std::chrono::seconds>(config.gracefulTerminationDeadline)};
}

bool hasIpv6Service(const core::DesiredState& desired) {
  return std::any_of(desired.services.begin(), desired.services.end(),
                     [](const auto& entry) { return entry.first.family == core::IpFamily::V6; });
}

}  // namespace

Daemon::Daemon(Config config, Timers& timers, HostPorts ports, const core::Clock& clock)
    : config_(std::move(config)),
      timers_(timers),
      ports_(std::move(ports)),
      clock_(clock),
      pacer_(std::make_unique<core::SyncPacer>(clock_, config_.minSyncPeriod, config_.syncPeriod)),
      subscription_(std::make_unique<k8s::ClusterSubscription>(*this, requiredResources(config_))),
      syncTimer_(timers_.makeTimer([this] { runDue(); })),
      reapTimer_(timers_.makeTimer([this] {
        attempt("reaping terminating real servers",
                [this] { afterSync(reconciler_->reapTerminating(), {}, false); });
      })),
      restoreTimer_(timers_.makeTimer([this] { restore(); })) {
  if (ports_.lastKnownGood != nullptr && config_.source == SourceKind::Kubernetes) {
    keeper_ = std::make_unique<LastKnownGoodKeeper>(
        *ports_.lastKnownGood, lastKnownGoodPath(config_).string(), config_.nodeName, timers_, clock_,
        kSaveInterval, [this]() -> const core::ClusterSnapshot& { return snapshot(); });
  }
  node_ = buildNodeContext();
  reconciler_ = std::make_unique<core::Reconciler>(ports_.ipvs, ports_.addresses, ports_.conntrack,
                                                   ports_.store, clock_, node_, reconcilerOptions(config_));
}

Daemon::~Daemon() = default;

core::AdoptionReport Daemon::start() {
  auto report = reconciler_->start();
  for (const auto& error : report.errors) {
    log::warning("adoption: " + error);
  }
  log::info("adopted " + std::to_string(report.adopted) + " of " + std::to_string(report.kernelServices) +
                " virtual services found in the kernel",
            {{"KIPVS_ADOPTED", std::to_string(report.adopted)}});
  if (keeper_ && config_.restoreAfter.count() > 0) {
    restoreTimer_->armIn(config_.restoreAfter);
  }
  return report;
}

void Daemon::stop() {
  restoreTimer_->cancel();
  if (keeper_ && status_.sourceSynced) {
    keeper_->flush();
  }
}

// The API server has not delivered a complete snapshot in time (rule 3 in daemon/README.md): program what
// this node last knew and say so; the source's first snapshot replaces it through the normal diff.
void Daemon::restore() {
  if (status_.sourceSynced || !keeper_) {
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
  status_.restoredFromState = true;
  log::warning(restoredDescription_ + "; SyncState is stale until the API server syncs",
               {{"KIPVS_RESTORED_FROM", keeper_->path()}});
  refreshNode();
  pacer_->requestFull();
  schedule();
}

std::string Daemon::statusLine() const {
  if (status_.restoredFromState) {
    return "stale: " + restoredDescription_ +
           (status_.connected ? "; the API server has not synced yet" : "; API server unreachable");
  }
  if (!status_.ready) {
    return status_.lastSyncOk ? "waiting for the first complete snapshot from the source"
                              : "degraded: the first sync failed; " + status_.lastError;
  }
  const auto count = std::to_string(reconciler_->desired().services.size()) + " virtual services";
  if (config_.source == SourceKind::Kubernetes && !status_.connected) {
    return "stale: API server unreachable; keeping the last synced state (" + count + ")";
  }
  if (!status_.lastSyncOk) {
    return "degraded: " + count + "; " + status_.lastError;
  }
  return "synced: " + count;
}

void Daemon::publishStatusLine() {
  if (!status_.ready && status_.lastSyncOk) {
    return;  // READY=1 carries the first line (a failure before it is told at once)
  }
  auto line = statusLine();
  if (line != lastStatusLine_) {
    lastStatusLine_ = std::move(line);
    if (onStatusChanged_) {
      onStatusChanged_();
    }
  }
}

void Daemon::handle(k8s::SourceEvent&& event) {
  if (event.type != k8s::SourceEvent::Type::Failure && !status_.connected) {
    status_.connected = true;
    if (observer_ != nullptr) {
      observer_->statusChanged();
    }
    publishStatusLine();
  }
  subscription_->handle(std::move(event));
}

void Daemon::onSnapshot(const core::ClusterSnapshot& snapshot) {
  log::info("source synced: " + std::to_string(snapshot.services.size()) + " Services");
  status_.sourceSynced = true;
  snapshotChanged_ = true;
  restoreTimer_->cancel();
  if (restored_) {
    log::notice(
        "the API server synced: replacing the restored last-known-good state (only the differences "
        "are applied)");
    restored_.reset();
  }
  refreshNode();
  pacer_->requestFull();
  schedule();
}

void Daemon::onDelta(const core::ClusterSnapshot& /*snapshot*/, const k8s::Delta& delta) {
  log::debug("source delta: " + std::to_string(delta.services.size()) + " Services changed" +
             (delta.nodeChanged ? ", node changed" : ""));
  snapshotChanged_ = true;
  for (const auto& key : delta.services) {
    pacer_->serviceChanged(key);
  }
  if (delta.nodeChanged) {
    pacer_->requestFull();
  }
  schedule();
}

void Daemon::onFailure(k8s::FailureReason reason, const std::string& detail) {
  status_.lastError = std::string(k8s::toString(reason)) + ": " + detail;
  if (reason != k8s::FailureReason::MalformedObject) {
    status_.connected = false;
  }
  log::warning("source: " + status_.lastError,
               {{"KIPVS_SOURCE_FAILURE", std::string(k8s::toString(reason))}});
  if (observer_ != nullptr) {
    observer_->statusChanged();
  }
  publishStatusLine();
}

void Daemon::reload(Config config) {
  config_ = std::move(config);
  pacer_ = std::make_unique<core::SyncPacer>(clock_, config_.minSyncPeriod, config_.syncPeriod);
  refreshNode();
  pacer_->requestFull();
  schedule();
}

void Daemon::requestResync() {
  pacer_->requestFull();
  schedule();
}

void Daemon::setDrains(core::Drains drains) {
  drains_ = std::move(drains);
  refreshNode();
  pacer_->requestFull();
  schedule();
}

core::NodeContext Daemon::buildNodeContext() const {
  core::NodeContext node;
  node.nodeName = config_.nodeName;
  node.nodePortAddresses = config_.nodePortAddresses;
  node.defaultScheduler = config_.scheduler;
  node.clusterCidrs = config_.clusterCidrs;
  node.drains = drains_;
  if (subscription_ && activeSnapshot().node) {
    node.zone = activeSnapshot().node->zone();
  }
  try {
    node.nodeAddresses = ports_.localAddresses();
  } catch (const std::exception& error) {
    log::warning(std::string("cannot list the node's addresses, NodePorts keep their previous ones: ") +
                 error.what());
    node.nodeAddresses = node_.nodeAddresses;
  }
  return node;
}

void Daemon::refreshNode() {
  node_ = buildNodeContext();
  reconciler_->setNodeContext(node_);
}

void Daemon::schedule() {
  if (!status_.sourceSynced && !restored_) {
    return;
  }
  // nextDue() may be TimePoint::min() ("at once"): compare before subtracting.
  const auto due = pacer_->nextDue();
  const auto now = clock_.now();
  syncTimer_->armIn(due <= now ? milliseconds(0) : duration_cast<milliseconds>(due - now));
}

void Daemon::runDue() {
  const auto batch = pacer_->takeDue();
  if (!batch.empty()) {
    attempt(batch.full ? "full sync" : "incremental sync", [&] {
      const auto started = std::chrono::steady_clock::now();
      core::ReconcileReport report;
      if (batch.full) {
        refreshNode();
        report = reconciler_->fullSync(activeSnapshot());
      } else {
        report = reconciler_->syncServices(activeSnapshot(), batch.services);
      }
      const auto reconciled = duration_cast<microseconds>(std::chrono::steady_clock::now() - started);
      afterSync(report, reconciled, batch.full);
      logSync(batch.full, report, reconciled,
              duration_cast<microseconds>(std::chrono::steady_clock::now() - started));
    });
  }
  schedule();
}

bool Daemon::attempt(const char* what, const std::function<void()>& step) {
  try {
    step();
    pacer_->syncSucceeded();
    return true;
  } catch (const core::FatalError&) {
    throw;  // the loop's edge stops kipvsd with its exit code
  } catch (const std::exception& error) {
    const auto retry = pacer_->retryDelay();
    pacer_->syncFailed();
    ++status_.failedSyncs;
    status_.lastSyncOk = false;
    status_.lastError = std::string(what) + " failed: " + error.what();
    log::error(status_.lastError + "; retrying a full sync in " + std::to_string(retry.count()) + " ms",
               {{"KIPVS_SYNC_FAILURES", std::to_string(status_.failedSyncs)}});
    if (observer_ != nullptr) {
      observer_->statusChanged();
    }
    publishStatusLine();
    return false;
  }
}

void Daemon::logSync(bool full, const core::ReconcileReport& report, microseconds reconciled,
                     microseconds total) {
  // One line per sync, the figures tests/bench/ reads: ops issued (applied or failed), time in the
  // reconciler, and time including the firewall and the bus update.
  const auto ops = report.opsApplied + report.failures.size();
  log::debug("sync: " + std::string(full ? "full" : "incremental") +
                 " services=" + std::to_string(report.servicesRecomputed) +
                 " ipvs_ops=" + std::to_string(ops) + " reconcile_us=" + std::to_string(reconciled.count()) +
                 " took_us=" + std::to_string(total.count()),
             {{"KIPVS_SYNC", full ? "full" : "incremental"}, {"KIPVS_IPVS_OPS", std::to_string(ops)}});
}

void Daemon::ensureIpv6Forwarding() {
  if (ipv6ForwardingOn_ || !ports_.enableIpv6Forwarding || !hasIpv6Service(reconciler_->desired())) {
    return;
  }
  try {
    ports_.enableIpv6Forwarding();
    ipv6ForwardingOn_ = true;  // never turned off again: other IPv6 routing on the node may rely on it
  } catch (const std::exception& error) {
    log::error(std::string("cannot enable IPv6 forwarding for IPv6 virtual services: ") + error.what() +
               " (tried again after the next sync)");
  }
}

std::string Daemon::syncFirewall(bool full, const core::ReconcileReport& report) {
  core::FirewallDelta delta;
  if (full) {
    firewall_.reset(reconciler_->desired(), node_);
  } else {
    delta = firewall_.update(reconciler_->desired(), report.touched);
    if (firewallCurrent_ && delta.empty()) {
      return {};
    }
  }
  try {
    if (!full && firewallCurrent_ && ports_.updateFirewall) {
      ports_.updateFirewall(delta);  // O(change): a few set elements
    } else {
      auto spec = firewall_.spec();
      spec.masqueradeAll = config_.masqueradeAll;
      ports_.applyFirewall(spec);  // the firewall diffs it against what it holds
    }
    firewallCurrent_ = true;
    return {};
  } catch (const std::exception& error) {
    firewallCurrent_ = false;  // the next sync applies the whole spec again
    auto message = std::string("firewall: ") + error.what();
    log::error(message);
    return message;
  }
}

void Daemon::afterSync(const core::ReconcileReport& report, std::chrono::microseconds duration, bool full) {
  ensureIpv6Forwarding();
  for (const auto& failure : report.failures) {
    std::ostringstream op;
    op << failure.op;
    log::warning(
        "IPVS operation failed: " + op.str() + ": " + std::strerror(failure.error),
        {{"KIPVS_SERVICE", failure.op.service.key.toString()}, {"ERRNO", std::to_string(failure.error)}});
  }
  for (const auto& error : report.errors) {
    log::warning(error);
  }
  const auto firewallError = syncFirewall(full, report);

  status_.lastSyncOk = report.ok() && firewallError.empty();
  if (!status_.lastSyncOk) {
    status_.lastError = !firewallError.empty() ? firewallError
                        : !report.errors.empty()
                            ? report.errors.front()
                            : std::to_string(report.failures.size()) + " IPVS operations failed";
  }
  status_.lastSyncUsec = realtimeUsec();
  ++status_.syncs;
  const bool recovered = status_.restoredFromState && status_.sourceSynced;
  if (recovered) {
    status_.restoredFromState = false;
    log::notice("synced with the API server: " + std::to_string(reconciler_->desired().services.size()) +
                " virtual services; no longer serving the restored state");
  }
  if (observer_ != nullptr) {
    observer_->synced(reconciler_->desired(), report, duration);
  }
  if (!status_.ready) {
    status_.ready = true;
    lastStatusLine_ = statusLine();
    log::notice(std::string(status_.restoredFromState ? "first sync (restored state)" : "first sync") +
                " complete: " + std::to_string(reconciler_->desired().services.size()) + " virtual services");
    if (onFirstSync_) {
      onFirstSync_();
    }
  }
  publishStatusLine();
  if (keeper_ && status_.sourceSynced && snapshotChanged_) {
    snapshotChanged_ = false;  // saved now or once the interval has passed (the keeper reads it then)
    keeper_->changed();
  }
  if (reconciler_->terminatingCount() > 0) {
    reapTimer_->armIfIdle(kReapInterval);
  }
}

}  // namespace kipvs::app
