#include "app/control.hpp"

#include <sstream>

#include "core/diff.hpp"
#include "core/explain.hpp"

namespace kipvs::app {
namespace {

using core::ControlError;
using core::DrainTarget;

bool covers(const DrainTarget& target, const core::DesiredVirtualService& service,
            const core::DesiredRealServer& real) {
  switch (target.scope) {
    case DrainTarget::Scope::Node:
      return true;
    case DrainTarget::Scope::Service:
      if (target.virtualKey) {
        return service.service.key == *target.virtualKey;
      }
      return target.service && service.origin.key() == *target.service &&
             (!target.portName || service.origin.portName == *target.portName);
    case DrainTarget::Scope::Endpoint:
      return target.address && real.server.address == *target.address;
  }
  return false;
}

template <typename Set, typename Value>
void toggle(Set& set, const Value& value, bool insert) {
  if (insert) {
    set.insert(value);
  } else {
    set.erase(value);
  }
}

}  // namespace

std::uint32_t foldDrain(core::Drains& drains, const DrainTarget& target, const core::DesiredState& desired,
                        bool drain) {
  std::uint32_t count = 0;
  for (const auto& [key, service] : desired.services) {
    for (const auto& real : service.reals) {
      if (covers(target, service, real)) {
        ++count;
        if (target.scope == DrainTarget::Scope::Service && !target.virtualKey && target.portName) {
          toggle(drains.virtuals, key, drain);  // one port of a Service = its virtual services
        }
      }
    }
  }
  const bool known = count > 0 || target.scope == DrainTarget::Scope::Node;
  if (!known) {
    throw ControlError(ControlError::Code::NotFound, "no real server matches the drain target");
  }
  switch (target.scope) {
    case DrainTarget::Scope::Node:
      drains.node = drain;
      break;
    case DrainTarget::Scope::Service:
      if (target.virtualKey) {
        toggle(drains.virtuals, *target.virtualKey, drain);
      } else if (!target.portName) {
        toggle(drains.services, *target.service, drain);
      }
      break;
    case DrainTarget::Scope::Endpoint:
      toggle(drains.endpoints, *target.address, drain);
      break;
  }
  return count;
}

std::uint32_t DaemonControl::drain(const DrainTarget& target) {
  auto drains = daemon_.nodeContext().drains;
  const auto count = foldDrain(drains, target, daemon_.reconciler().desired(), true);
  daemon_.setDrains(std::move(drains));
  return count;
}

std::uint32_t DaemonControl::undrain(const DrainTarget& target) {
  auto drains = daemon_.nodeContext().drains;
  const auto count = foldDrain(drains, target, daemon_.reconciler().desired(), false);
  daemon_.setDrains(std::move(drains));
  return count;
}

void DaemonControl::setLogLevel(log::Level level) {
  log::setLevel(level);
  log::notice("log level set to " + std::string(log::toString(level)) + " over D-Bus");
}

std::vector<std::string> DaemonControl::reload() {
  if (!reload_) {
    throw ControlError(ControlError::Code::Unavailable, "this daemon cannot reload its configuration");
  }
  return reload_();
}

// Explained against what the last sync programmed from (the restored snapshot until the source syncs),
// with the node facts it used; drained real servers say so.
std::optional<core::Explanation> DaemonControl::explain(const core::VirtualServiceKey& key) {
  const auto& desired = daemon_.reconciler().desired();
  if (!desired.services.contains(key)) {
    return std::nullopt;
  }
  if (auto explanation =
          core::explainVirtualService(daemon_.activeSnapshot(), daemon_.nodeContext(), desired, key)) {
    return explanation;
  }
  // Its Service left the snapshot since the last sync: the next one removes it.
  return core::Explanation{
      .key = key, .summary = "the Service is gone; this virtual service is being removed", .endpoints = {}};
}

std::optional<core::LiveServiceStatus> DaemonControl::readStatus(const core::VirtualServiceKey& key) {
  try {
    for (const auto& status : ipvs_.listServices()) {
      if (status.service.key == key) {
        return core::LiveServiceStatus{.stats = status.stats, .reals = ipvs_.listRealServers(key)};
      }
    }
    return std::nullopt;
  } catch (const std::exception& error) {
    throw core::ControlError(core::ControlError::Code::Unavailable,
                             std::string("cannot read IPVS: ") + error.what());
  }
}

std::map<core::VirtualServiceKey, core::IpvsStats> DaemonControl::readAllStats() {
  const auto now = clock_.now();
  if (statsReadAt_ && now - *statsReadAt_ < std::chrono::seconds(1)) {
    return statsCache_;
  }
  try {
    statsCache_.clear();
    for (const auto& status : ipvs_.listServices()) {
      statsCache_.emplace(status.service.key, status.stats);
    }
    statsReadAt_ = now;
    return statsCache_;
  } catch (const std::exception& error) {
    throw core::ControlError(core::ControlError::Code::Unavailable,
                             std::string("cannot read IPVS: ") + error.what());
  }
}

core::AgentStatus agentStatusOf(const Daemon& daemon) {
  const auto& status = daemon.status();
  const auto& config = daemon.config();
  core::AgentStatus agent;
  agent.nodeName = config.nodeName;
  agent.source = config.source == SourceKind::Static ? "static" : "kubernetes";
  agent.apiServer = config.source == SourceKind::Static ? config.staticDir.string() : config.apiServer;
  agent.connected = status.connected;
  agent.lastError = status.lastError;
  agent.resourceVersion = daemon.snapshot().resourceVersion;
  agent.syncState = syncStateOf(status);
  return agent;
}

std::vector<core::PlannedChange> DaemonControl::plan() {
  core::ObservedState kernel;
  std::vector<core::IpAddress> bound;
  try {
    for (const auto& status : ipvs_.listServices()) {
      auto& vs = kernel[status.service.key];
      vs.service = status.service;
      vs.service.flags &= ~core::svc_flags::kHashed;
      for (const auto& real : ipvs_.listRealServers(status.service.key)) {
        vs.reals.push_back(real.server);
      }
    }
    if (kipvs0_ != nullptr) {
      bound = kipvs0_->listAddresses();
    }
  } catch (const std::exception& error) {
    throw ControlError(ControlError::Code::Unavailable, std::string("reading the kernel: ") + error.what());
  }
  const auto& reconciler = daemon_.reconciler();
  std::vector<core::PlannedChange> changes;
  for (const auto& op : core::diff(kernel, reconciler.desired(), reconciler.owned())) {
    std::ostringstream text;
    text << op;
    changes.push_back({.area = "ipvs", .change = text.str()});
  }
  if (kipvs0_ == nullptr) {
    return changes;
  }
  const auto addresses =
      core::diffAddresses({bound.begin(), bound.end()}, reconciler.desired().boundAddresses);
  for (const auto& address : addresses.add) {
    changes.push_back({.area = "kipvs0", .change = "add " + address.toString()});
  }
  for (const auto& address : addresses.remove) {
    changes.push_back({.area = "kipvs0", .change = "remove " + address.toString()});
  }
  return changes;
}

}  // namespace kipvs::app
