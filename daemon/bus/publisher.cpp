#include "bus/publisher.hpp"

#include <iterator>
#include <string>

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
                                                const core::SyncSummary& report,
                                                const std::set<core::VirtualServiceKey>* touched) {
  Changes changes;
  // From here on reads see the new values: the signals below carry them.
  catalog_.state = &state;
  if (touched == nullptr) {
    // Removed: in the catalog, not in the state.
    for (auto it = catalog_.published.begin(); it != catalog_.published.end();) {
      const auto next = std::next(it);
      if (!state.services.contains(it->first)) {
        update(it->first, nullptr, changes);
      }
      it = next;
    }
    // Added and changed, in key order.
    for (const auto& [key, desired] : state.services) {
      update(key, &desired, changes);
    }
  } else {
    for (const auto& key : *touched) {
      const auto it = state.services.find(key);
      update(key, it == state.services.end() ? nullptr : &it->second, changes);
    }
  }
  manager_->setSync(report.finishedUsec);
  manager_->emitSyncCompleted(report, changes.added, changes.removed, changes.changed);
  return changes;
}

void SdbusPublisher::update(const core::VirtualServiceKey& key, const core::DesiredVirtualService* desired,
                            Changes& changes) {
  const auto it = catalog_.published.find(key);
  if (desired == nullptr) {
    if (it == catalog_.published.end()) {
      return;
    }
    // `key` may be the entry's own: everything it names is taken before the entry goes.
    const auto path = live_ ? servicePath(key) : std::string{};
    const auto name = live_ ? key.toString() : std::string{};
    catalog_.realServerCount -= it->second.realCount;
    catalog_.published.erase(it);
    ++changes.removed;
    if (live_) {
      services_->retract(path);
      manager_->emitServiceChange(path, name, "removed");
    }
    return;
  }
  const auto shown = shownOf(*desired);
  if (it == catalog_.published.end()) {
    catalog_.realServerCount += shown.realCount;
    catalog_.published.emplace(key, shown);
    ++changes.added;
    if (live_) {
      const auto path = servicePath(key);
      services_->announce(path);
      manager_->emitServiceChange(path, key.toString(), "added");
    }
    return;
  }
  auto changed = changedProperties(it->second, shown);
  catalog_.realServerCount = catalog_.realServerCount - it->second.realCount + shown.realCount;
  it->second = shown;
  // A change only in fields the contract does not show (netmask, bound address) signals nothing.
  if (changed.empty()) {
    return;
  }
  ++changes.changed;
  if (live_) {
    const auto path = servicePath(key);
    services_->changed(path, std::move(changed));
    manager_->emitServiceChange(path, key.toString(), "changed");
  }
}

void SdbusPublisher::setStatus(const core::AgentStatus& status) {
  manager_->setStatus(status);
}

}  // namespace kipvs::bus
