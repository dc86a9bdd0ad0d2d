#pragma once

// What kipvsd is serving and how well, as one value (DaemonStatus), and the one derivation of the sync
// state from it: syncStateOf() feeds D-Bus SyncState, statusLineOf() feeds sd_notify STATUS=, and
// /healthz reads the same, so they cannot disagree.

#include <cstdint>
#include <string>

#include "core/control_port.hpp"

namespace kipvs::app {

struct DaemonStatus {
  bool ready = false;  // first complete sync done
  // ready-timeout passed before the first complete sync: READY=1 was sent anyway, STATUS= says why.
  bool readyTimedOut = false;
  std::string readyTimeout;  // as configured, e.g. "30s"
  bool sourceSynced = false;
  bool connected = false;
  bool needsConnection = false;    // source = kubernetes: not connected means stale
  bool lastSyncOk = true;          // the last sync applied everything (IPVS, addresses, firewall)
  bool restoredFromState = false;  // serving the last-known-good state, the source has not synced yet
  std::string restoredDescription;
  std::string lastError;
  std::size_t virtualServices = 0;  // in the desired state
  std::uint64_t lastSyncUsec = 0;   // CLOCK_REALTIME of the last applied sync
  std::uint64_t syncs = 0;
  std::uint64_t failedSyncs = 0;  // attempts that threw before they were applied (retried with backoff)
};

// starting → synced; degraded while the last sync (or attempt) failed; stale while serving the restored
// state or, with source = kubernetes, while the API server is unreachable.
core::SyncState syncStateOf(const DaemonStatus& status);

// For sd_notify STATUS=: the sync state and why, e.g. "synced: 12 virtual services".
std::string statusLineOf(const DaemonStatus& status);

}  // namespace kipvs::app
