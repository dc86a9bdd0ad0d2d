#pragma once

// Keeps <state-dir>/last-known-good.json (k8s/last_known_good.hpp) in step with the API server's
// snapshot, and reads it back at boot. Saves are atomic (the StateStore writes a temporary file and
// renames it) and rate-limited: the first complete snapshot is saved at once, later changes at most
// once per interval (longer when a save is slow: at least 50 times its duration), and a pending change on
// stop. Failures are logged and never stop the daemon.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/timers.hpp"
#include "core/cluster.hpp"
#include "core/ports.hpp"

namespace kipvs::app {

struct RestoredState {
  core::ClusterSnapshot snapshot;
  std::string description;  // "restored last-known-good state from <path> (<n> services, saved <time>)"
};

class LastKnownGoodKeeper {
 public:
  using Current = std::function<const core::ClusterSnapshot&()>;

  LastKnownGoodKeeper(core::StateStore& store, std::string path, std::string nodeName, Timers& timers,
                      const core::Clock& clock, std::chrono::milliseconds minInterval, Current current);

  void changed();  // the source's snapshot changed (or was first complete)
  void flush();    // saves a pending change now (on stop)
  // The saved state when it is usable for `nodeName`; otherwise nullopt, with the reason logged.
  std::optional<RestoredState> load();

  std::uint64_t saves() const { return saves_; }
  const std::string& path() const { return path_; }

 private:
  void save();

  core::StateStore& store_;
  std::string path_;
  std::string nodeName_;
  const core::Clock& clock_;
  std::chrono::milliseconds minInterval_;
  std::chrono::milliseconds interval_;  // minInterval_, or longer when saves are slow
  Current current_;
  std::unique_ptr<Timer> timer_;
  std::optional<core::Clock::TimePoint> lastSave_;
  bool dirty_ = false;
  std::uint64_t saves_ = 0;
};

// "2026-11-26T12:00:00Z"
std::string rfc3339Now();

}  // namespace kipvs::app
