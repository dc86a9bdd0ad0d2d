#pragma once

// SdbusPublisher: shows a core::DesiredState on D-Bus. Thin: it translates and announces, it decides
// nothing. Every call must come from the thread that processes the connection (see BusPump).
//
//   publish(state, report, touched)
//                           after each applied plan: children added (InterfacesAdded), removed
//                           (InterfacesRemoved), changed (PropertiesChanged), one ServiceChanged per
//                           service, Manager counts, then SyncCompleted. `touched` names the keys the
//                           sync may have changed (the reconciler's ReconcileReport::touched after an
//                           incremental sync): only those are compared, so one endpoint change costs
//                           the same at 100 or 100,000 services. Null (after a full sync) compares
//                           every service. The publisher keeps no copy of `state`: it answers reads
//                           from it until the next publish(), so the caller keeps it alive until then
//                           (the daemon passes its reconciler's desired state, which lives as long as
//                           the daemon). Reads look services up by key, so a state changed in between
//                           is never read out of bounds.
//   setStatus(status)       Manager properties (sync state, API server, last error, ...).
//   goLive()                from now on publish() signals each service it adds, removes or changes.
//
// The publisher never requests the bus name: the daemon does that last, once the first state is out,
// and calls goLive() just before. Until then publish() fills the tree without per-service signals:
// nobody can follow the signals of a name that is not owned yet, and clients read the whole tree
// (GetManagedObjects, ListVirtualServices) once the name appears. At 10,000 services that spares the
// cold start 20,000 signals, each carrying the service's properties, queued before the bus name exists.

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <set>
#include <string>

#include "bus/caller_policy.hpp"
#include "bus/catalog.hpp"
#include "core/control_port.hpp"
#include "core/desired_state.hpp"

namespace kipvs::bus {

class ManagerObject;
class ServiceTree;

class SdbusPublisher {
 public:
  SdbusPublisher(sdbus::IConnection& connection, core::ControlPort& control, CallerPolicy policy,
                 std::string version);
  ~SdbusPublisher();
  SdbusPublisher(const SdbusPublisher&) = delete;
  SdbusPublisher& operator=(const SdbusPublisher&) = delete;

  struct Changes {
    std::uint32_t added = 0;
    std::uint32_t removed = 0;
    std::uint32_t changed = 0;
  };
  Changes publish(const core::DesiredState& state, const core::SyncSummary& report,
                  const std::set<core::VirtualServiceKey>* touched = nullptr);
  void setStatus(const core::AgentStatus& status);
  void goLive() { live_ = true; }

  std::size_t serviceCount() const { return catalog_.published.size(); }

 private:
  // Brings one key's catalog entry to `desired` (null: not in the state) and signals it when live.
  void update(const core::VirtualServiceKey& key, const core::DesiredVirtualService* desired,
              Changes& changes);

  Catalog catalog_;
  bool live_ = false;
  std::unique_ptr<ManagerObject> manager_;
  std::unique_ptr<ServiceTree> services_;
};

}  // namespace kipvs::bus
