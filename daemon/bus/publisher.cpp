#include "bus/publisher.hpp"

#include "bus/manager_object.hpp"
#include "bus/raw_bus.hpp"
#include "bus/service_tree.hpp"
#include "bus/wire.hpp"

namespace kipvs::bus {

SdbusPublisher::SdbusPublisher(sdbus::IConnection& connection, core::ControlPort& control,
                               CallerPolicy policy, std::string version)
    : manager_(std::make_unique<ManagerObject>(connection, catalog_, control, policy, std::move(version))) {
  services_ = std::make_unique<ServiceTree>(manager_->rawBus(), catalog_, control);
}

SdbusPublisher::~SdbusPublisher() {
  // Children go before the manager that lists them.
  services_.reset();
  manager_.reset();
}

SdbusPublisher::Changes SdbusPublisher::publish(const core::DesiredState& state,
                                                const core::SyncSummary& report) {
  Changes changes;
  // From here on reads see the new values: the signals below carry them.
  catalog_.state = &state;
  // Removed: in the catalog, not in the state.
  for (auto it = catalog_.published.begin(); it != catalog_.published.end();) {
    if (state.services.contains(it->first)) {
      ++it;
      continue;
    }
    const auto path = servicePath(it->first);
    const auto key = it->first.toString();
    catalog_.realServerCount -= it->second.realCount;
    it = catalog_.published.erase(it);
    services_->retract(path);
    manager_->emitServiceChange(path, key, "removed");
    ++changes.removed;
  }
  // Added and changed, in key order.
  for (const auto& [key, desired] : state.services) {
    auto shown = shownOf(desired);
    const auto it = catalog_.published.find(key);
    if (it == catalog_.published.end()) {
      catalog_.realServerCount += shown.realCount;
      catalog_.published.emplace(key, shown);
      const auto path = servicePath(key);
      services_->announce(path);
      manager_->emitServiceChange(path, key.toString(), "added");
      ++changes.added;
      continue;
    }
    auto changed = changedProperties(it->second, shown);
    catalog_.realServerCount = catalog_.realServerCount - it->second.realCount + shown.realCount;
    it->second = shown;
    // A change only in fields the contract does not show (netmask, bound address) signals nothing.
    if (changed.empty()) {
      continue;
    }
    const auto path = servicePath(key);
    services_->changed(path, std::move(changed));
    manager_->emitServiceChange(path, key.toString(), "changed");
    ++changes.changed;
  }
  manager_->setSync(report.finishedUsec);
  manager_->emitSyncCompleted(report, changes.added, changes.removed, changes.changed);
  return changes;
}

void SdbusPublisher::setStatus(const core::AgentStatus& status) {
  manager_->setStatus(status);
}

}  // namespace kipvs::bus
