#include "app/sync_loop.hpp"

#include <time.h>

#include <cstring>
#include <sstream>

#include "core/callback_edge.hpp"
#include "core/log.hpp"

namespace kipvs::app {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr milliseconds kReapInterval{1000};  // how often draining TCP real servers are checked

std::uint64_t realtimeUsec() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000ULL +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000ULL;
}

core::ReconcilerOptions reconcilerOptions(const Config& config) {
  return {.gracefulDeadline = duration_cast<std::chrono::seconds>(config.gracefulTerminationDeadline)};
}

void logFailures(const core::ReconcileReport& report) {
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
}

}  // namespace

SyncLoop::SyncLoop(const Config& config, Timers& timers, ReconcilerPorts ports, const core::Clock& clock,
                   const ClusterState& cluster, Observer& observer)
    : config_(config),
      ports_(ports),
      clock_(clock),
      cluster_(cluster),
      observer_(observer),
      pacer_(std::make_unique<core::SyncPacer>(clock_, config_.minSyncPeriod, config_.syncPeriod)),
      syncTimer_(timers.makeTimer([this] { runDue(); })),
      reapTimer_(timers.makeTimer([this] {
        attempt("reaping terminating real servers",
                [this] { report(reconciler_->reapTerminating(), false, {}); });
      })) {
  node_ = buildNodeContext();
  reconciler_ = std::make_unique<core::Reconciler>(ports_.ipvs, ports_.addresses, ports_.conntrack,
                                                   ports_.store, clock_, node_, reconcilerOptions(config_));
}

SyncLoop::~SyncLoop() = default;

core::AdoptionReport SyncLoop::start() {
  auto adoption = reconciler_->start();
  for (const auto& error : adoption.errors) {
    log::warning("adoption: " + error);
  }
  log::info("adopted " + std::to_string(adoption.adopted) + " of " + std::to_string(adoption.kernelServices) +
                " virtual services found in the kernel",
            {{"KIPVS_ADOPTED", std::to_string(adoption.adopted)}});
  return adoption;
}

void SyncLoop::requestFull() {
  refreshNode();
  pacer_->requestFull();
  schedule();
}

void SyncLoop::servicesChanged(const std::set<core::ObjectKey>& keys) {
  for (const auto& key : keys) {
    pacer_->serviceChanged(key);
  }
  schedule();
}

void SyncLoop::reload() {
  pacer_ = std::make_unique<core::SyncPacer>(clock_, config_.minSyncPeriod, config_.syncPeriod);
  requestFull();
}

void SyncLoop::setDrains(core::Drains drains) {
  drains_ = std::move(drains);
  requestFull();
}

// The node's zone comes from the snapshot's Node, filled in by the reconciler (core::withSnapshotDefaults).
core::NodeContext SyncLoop::buildNodeContext() const {
  core::NodeContext node;
  node.nodeName = config_.nodeName;
  node.nodePortAddresses = config_.nodePortAddresses;
  node.defaultScheduler = config_.scheduler;
  node.clusterCidrs = config_.clusterCidrs;
  node.drains = drains_;
  try {
    node.nodeAddresses = ports_.nodeAddresses.localAddresses();
  } catch (const std::exception& error) {
    log::warning(std::string("cannot list the node's addresses, NodePorts keep their previous ones: ") +
                 error.what());
    node.nodeAddresses = node_.nodeAddresses;
  }
  return node;
}

void SyncLoop::refreshNode() {
  node_ = buildNodeContext();
  reconciler_->setNodeContext(node_);
}

void SyncLoop::schedule() {
  if (!cluster_.syncable()) {
    return;
  }
  // nextDue() may be TimePoint::min() ("at once"): compare before subtracting.
  const auto due = pacer_->nextDue();
  const auto now = clock_.now();
  syncTimer_->armIn(due <= now ? milliseconds(0) : duration_cast<milliseconds>(due - now));
}

void SyncLoop::runDue() {
  const auto batch = pacer_->takeDue();
  if (!batch.empty()) {
    attempt(batch.full ? "full sync" : "incremental sync", [&] {
      const auto started = std::chrono::steady_clock::now();
      core::ReconcileReport result;
      if (batch.full) {
        refreshNode();
        result = reconciler_->fullSync(cluster_.active());
      } else {
        result = reconciler_->syncServices(cluster_.active(), batch.services);
      }
      const auto reconciled = duration_cast<microseconds>(std::chrono::steady_clock::now() - started);
      report(result, batch.full, reconciled);
      logSync(batch.full, result, reconciled,
              duration_cast<microseconds>(std::chrono::steady_clock::now() - started));
    });
  }
  schedule();
}

void SyncLoop::attempt(const char* what, const std::function<void()>& step) {
  try {
    step();
    pacer_->syncSucceeded();
  } catch (const core::FatalError&) {
    throw;
  } catch (const std::exception& error) {
    const auto retry = pacer_->retryDelay();
    pacer_->syncFailed();
    const auto message = std::string(what) + " failed: " + error.what();
    log::error(message + "; retrying a full sync in " + std::to_string(retry.count()) + " ms");
    observer_.failed(message);
  }
}

void SyncLoop::report(const core::ReconcileReport& result, bool full, microseconds duration) {
  logFailures(result);
  observer_.applied({.desired = reconciler_->desired(),
                     .node = node_,
                     .report = result,
                     .full = full,
                     .duration = duration,
                     .finishedUsec = realtimeUsec()});
  if (reconciler_->terminatingCount() > 0) {
    reapTimer_->armIfIdle(kReapInterval);
  }
}

void SyncLoop::logSync(bool full, const core::ReconcileReport& report, microseconds reconciled,
                       microseconds total) {
  // One line per sync, the figures tests/bench/ reads: ops issued (applied or failed), time in the
  // reconciler, and time including the listeners (firewall, bus).
  const auto ops = report.opsApplied + report.failures.size();
  log::debug("sync: " + std::string(full ? "full" : "incremental") +
                 " services=" + std::to_string(report.servicesRecomputed) +
                 " ipvs_ops=" + std::to_string(ops) + " reconcile_us=" + std::to_string(reconciled.count()) +
                 " took_us=" + std::to_string(total.count()),
             {{"KIPVS_SYNC", full ? "full" : "incremental"}, {"KIPVS_IPVS_OPS", std::to_string(ops)}});
}

}  // namespace kipvs::app
