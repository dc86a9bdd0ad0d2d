#pragma once

// SdbusPublisher: shows a core::DesiredState on D-Bus. Thin: it translates and announces, it decides
// nothing. Every call must come from the thread that processes the connection (see BusPump).
//
//   publish(state, report)  after each applied plan: children added (InterfacesAdded), removed
//                           (InterfacesRemoved), changed (PropertiesChanged), one ServiceChanged per
//                           service, Manager counts, then SyncCompleted. The publisher keeps no copy
//                           of `state`: it answers reads from it until the next publish(), so the
//                           caller keeps it alive until then (the daemon passes its reconciler's
//                           desired state, which lives as long as the daemon). Reads look services
//                           up by key, so a state changed in between is never read out of bounds.
//   setStatus(status)       Manager properties (sync state, API server, last error, ...).
//
// The publisher never requests the bus name: the daemon does that last, once the first state is out.

#include <sdbus-c++/IConnection.h>

#include <memory>
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
  Changes publish(const core::DesiredState& state, const core::SyncSummary& report);
  void setStatus(const core::AgentStatus& status);

  std::size_t serviceCount() const { return catalog_.published.size(); }

 private:
  Catalog catalog_;
  std::unique_ptr<ManagerObject> manager_;
  std::unique_ptr<ServiceTree> services_;
};

}  // namespace kipvs::bus
