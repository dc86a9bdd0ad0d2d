#pragma once

// The post-sync listener that keeps the D-Bus view in step: the published virtual services and the
// SyncCompleted signal after each applied sync, the Manager's status properties on each status change.

#include "app/daemon.hpp"
#include "app/sync_listener.hpp"
#include "bus/publisher.hpp"

namespace kipvs::app {

class BusView final : public SyncListener {
 public:
  BusView(bus::SdbusPublisher& publisher, const Daemon& daemon) : publisher_(publisher), daemon_(daemon) {}

  std::string synced(const AppliedSync& sync) override;
  void statusChanged(const DaemonStatus& status) override;

 private:
  bus::SdbusPublisher& publisher_;
  const Daemon& daemon_;
};

}  // namespace kipvs::app
