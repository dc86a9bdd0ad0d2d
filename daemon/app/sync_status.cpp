#include "app/sync_status.hpp"

namespace kipvs::app {
namespace {

std::string notSyncedReason(const DaemonStatus& status) {
  if (!status.needsConnection) {
    return "the static source has not delivered its manifests";
  }
  if (!status.connected) {
    return "API server unreachable" + (status.lastError.empty() ? "" : ": " + status.lastError);
  }
  return "the API server has not delivered a complete snapshot";
}

}  // namespace

core::SyncState syncStateOf(const DaemonStatus& status) {
  if (status.restoredFromState) {
    return core::SyncState::Stale;
  }
  if (!status.ready) {
    return status.lastSyncOk ? core::SyncState::Starting : core::SyncState::Degraded;
  }
  if (status.needsConnection && !status.connected) {
    return core::SyncState::Stale;  // the last synced state, the API server gone
  }
  return status.lastSyncOk ? core::SyncState::Synced : core::SyncState::Degraded;
}

std::string statusLineOf(const DaemonStatus& status) {
  if (status.restoredFromState) {
    return "stale: " + status.restoredDescription +
           (status.connected ? "; the API server has not synced yet" : "; API server unreachable");
  }
  const auto count = std::to_string(status.virtualServices) + " virtual services";
  switch (syncStateOf(status)) {
    case core::SyncState::Starting:
      if (status.readyTimedOut) {
        return "not synced yet: " + notSyncedReason(status) +
               "; the kernel keeps its current state; READY=1 sent after ready-timeout " +
               status.readyTimeout;
      }
      return "waiting for the first complete snapshot from the source";
    case core::SyncState::Stale:
      return "stale: API server unreachable; keeping the last synced state (" + count + ")";
    case core::SyncState::Degraded:
      return status.ready ? "degraded: " + count + "; " + status.lastError
                          : "degraded: the first sync failed; " + status.lastError;
    case core::SyncState::Synced:
      break;
  }
  return "synced: " + count;
}

}  // namespace kipvs::app
