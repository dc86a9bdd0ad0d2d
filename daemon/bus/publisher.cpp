#include "bus/publisher.hpp"

#include "bus/manager_object.hpp"
#include "bus/wire.hpp"

namespace kipvs::bus {

SdbusPublisher::SdbusPublisher(sdbus::IConnection& connection, core::ControlPort& control,
                               CallerPolicy policy, std::string version)
    : connection_(connection),
      control_(control),
      manager_(std::make_unique<ManagerObject>(connection, catalog_, control, policy, std::move(version))) {}

SdbusPublisher::~SdbusPublisher() {
  // Children go before the manager that lists them.
  catalog_.byText.clear();
  catalog_.byKey.clear();
  manager_.reset();
}

SdbusPublisher::Changes SdbusPublisher::publish(const core::DesiredState& state,
                                                const core::SyncSummary& report) {
  Changes changes;
  // Removed: in the catalog, not in the state.
  for (auto it = catalog_.byKey.begin(); it != catalog_.byKey.end();) {
    if (state.services.contains(it->first)) {
      ++it;
      continue;
    }
    auto& object = *it->second;
    const std::string key = it->first.toString();
    catalog_.realServerCount -= static_cast<std::uint32_t>(object.value().reals.size());
    object.retract();
    manager_->emitServiceChange(object.path(), key, "removed");
    catalog_.byText.erase(key);
    it = catalog_.byKey.erase(it);
    ++changes.removed;
  }
  // Added and changed, in key order.
  for (const auto& [key, desired] : state.services) {
    const auto it = catalog_.byKey.find(key);
    if (it == catalog_.byKey.end()) {
      auto object = std::make_unique<ServiceObject>(connection_, servicePath(key), desired, control_);
      object->announce();
      const std::string text = key.toString();
      manager_->emitServiceChange(object->path(), text, "added");
      catalog_.realServerCount += static_cast<std::uint32_t>(desired.reals.size());
      catalog_.byText.emplace(text, object.get());
      catalog_.byKey.emplace(key, std::move(object));
      ++changes.added;
      continue;
    }
    auto& object = *it->second;
    const auto before = static_cast<std::uint32_t>(object.value().reals.size());
    if (object.update(desired)) {
      manager_->emitServiceChange(object.path(), key.toString(), "changed");
      ++changes.changed;
    }
    catalog_.realServerCount =
        catalog_.realServerCount - before + static_cast<std::uint32_t>(desired.reals.size());
  }
  manager_->setSync(report.finishedUsec);
  manager_->emitSyncCompleted(report, changes.added, changes.removed, changes.changed);
  return changes;
}

void SdbusPublisher::setStatus(const core::AgentStatus& status) {
  manager_->setStatus(status);
}

}  // namespace kipvs::bus
