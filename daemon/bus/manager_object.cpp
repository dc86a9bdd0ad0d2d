#include "bus/manager_object.hpp"

#include "bus/arguments.hpp"
#include "dbus/bus_names.hpp"

namespace kipvs::bus {

namespace {
constexpr const char* kInterface = ManagerInterface::INTERFACE_NAME;
}

ManagerObject::ManagerObject(sdbus::IConnection& connection, const Catalog& catalog,
                             core::ControlPort& control, CallerPolicy policy, std::string version)
    : AdaptorInterfaces(connection, dbus::kRootPath),
      catalog_(catalog),
      control_(control),
      policy_(policy),
      version_(std::move(version)) {
  registerAdaptor();
}

ManagerObject::~ManagerObject() {
  unregisterAdaptor();
}

void ManagerObject::setStatus(const core::AgentStatus& status) {
  std::vector<std::string> changed;
  if (status.nodeName != status_.nodeName) {
    changed.emplace_back("NodeName");
  }
  if (status.source != status_.source) {
    changed.emplace_back("Source");
  }
  if (status.apiServer != status_.apiServer) {
    changed.emplace_back("ApiServer");
  }
  if (status.connected != status_.connected) {
    changed.emplace_back("Connected");
  }
  if (status.syncState != status_.syncState) {
    changed.emplace_back("SyncState");
  }
  if (status.lastError != status_.lastError) {
    changed.emplace_back("LastError");
  }
  if (status.resourceVersion != status_.resourceVersion) {
    changed.emplace_back("ResourceVersion");
  }
  status_ = status;
  if (!changed.empty()) {
    emitPropertiesChangedSignal(kInterface, changed);
  }
}

void ManagerObject::setSync(std::uint64_t lastSyncUsec) {
  std::vector<std::string> changed;
  const auto services = static_cast<std::uint32_t>(catalog_.published.size());
  if (lastSyncUsec != lastSyncUsec_) {
    changed.emplace_back("LastSyncUsec");
  }
  if (services != serviceCount_) {
    changed.emplace_back("VirtualServiceCount");
  }
  if (catalog_.realServerCount != realServerCount_) {
    changed.emplace_back("RealServerCount");
  }
  lastSyncUsec_ = lastSyncUsec;
  serviceCount_ = services;
  realServerCount_ = catalog_.realServerCount;
  if (!changed.empty()) {
    emitPropertiesChangedSignal(kInterface, changed);
  }
}

void ManagerObject::emitServiceChange(const std::string& path, const std::string& key,
                                      const std::string& change) {
  emitServiceChanged(sdbus::ObjectPath(path), key, change);
}

SdBusRef ManagerObject::rawBus() {
  return rawBusOf(getObject(), kInterface, "ServiceChanged");
}

void ManagerObject::emitSyncCompleted(const core::SyncSummary& report, std::uint32_t added,
                                      std::uint32_t removed, std::uint32_t changed) {
  ManagerInterface::emitSyncCompleted(report.finishedUsec, report.durationUsec, added, removed, changed,
                                      report.failedOps);
}

void ManagerObject::ListVirtualServices(sdbus::MethodCall call) {
  // One entry at a time into the reply: never the whole table twice (see manager_interface.hpp).
  auto reply = call.createReply();
  reply.openContainer(sdbus::signature_of<ServiceEntryWire>::str());
  for (const auto& [key, shown] : catalog_.published) {
    if (const auto* value = catalog_.find(key)) {
      reply << toWire(servicePath(key), *value);
    }
  }
  reply.closeContainer();
  reply.send();
}

ServiceEntryWire ManagerObject::GetVirtualService(const std::string& key) {
  const auto parsed = requireKey(key);
  // Only the canonical spelling (VirtualServiceKey::toString) names a service, as it always did.
  const auto* value = parsed.toString() == key ? catalog_.find(parsed) : nullptr;
  if (value == nullptr) {
    throw sdbus::Error(dbus::kErrorNotFound, "no virtual service " + key);
  }
  return toWire(servicePath(parsed), *value);
}

std::vector<sdbus::Struct<std::string, StatsWire>> ManagerObject::GetStatistics() {
  try {
    const auto all = control_.readAllStats();
    std::vector<sdbus::Struct<std::string, StatsWire>> out;
    out.reserve(all.size());
    for (const auto& [key, stats] : all) {
      if (catalog_.published.contains(key)) {
        out.emplace_back(key.toString(), toWire(stats));
      }
    }
    return out;
  } catch (...) {
    rethrowAsBusError("reading kernel counters");
  }
}

std::tuple<std::string, std::string, std::vector<VerdictWire>> ManagerObject::Explain(
    const std::string& address, const std::uint16_t& port, const std::string& protocol) {
  const auto key = requireEndpointKey(address, port, protocol);
  if (!catalog_.published.contains(key)) {
    throw sdbus::Error(dbus::kErrorNotFound, "no virtual service " + key.toString());
  }
  try {
    const auto explanation = control_.explain(key);
    if (!explanation) {
      throw core::ControlError(core::ControlError::Code::NotFound,
                               "nothing to explain for " + key.toString());
    }
    std::vector<VerdictWire> verdicts;
    verdicts.reserve(explanation->endpoints.size());
    for (const auto& verdict : explanation->endpoints) {
      verdicts.push_back(toWire(verdict));
    }
    return {explanation->key.toString(), explanation->summary, std::move(verdicts)};
  } catch (...) {
    rethrowAsBusError("explaining " + key.toString());
  }
}

std::vector<sdbus::Struct<std::string, std::string>> ManagerObject::Plan() {
  try {
    std::vector<sdbus::Struct<std::string, std::string>> changes;
    for (const auto& change : control_.plan()) {
      changes.emplace_back(change.area, change.change);
    }
    return changes;
  } catch (...) {
    rethrowAsBusError("planning");
  }
}

void ManagerObject::requireAdmin(const std::string& method) {
  const auto* call = getObject().getCurrentlyProcessedMessage();
  if (call == nullptr) {
    throw sdbus::Error(dbus::kErrorFailed, method + ": no current call");
  }
  policy_.requireAdmin(*call, method);
}

void ManagerObject::Resync() {
  requireAdmin("Resync");
  try {
    control_.requestResync();
  } catch (...) {
    rethrowAsBusError("scheduling a resync");
  }
}

std::uint32_t ManagerObject::Drain(const std::string& scope, const std::string& target) {
  requireAdmin("Drain");
  const auto parsed = requireDrainTarget(scope, target);
  try {
    return control_.drain(parsed);
  } catch (...) {
    rethrowAsBusError("draining " + scope + " '" + target + "'");
  }
}

std::uint32_t ManagerObject::Undrain(const std::string& scope, const std::string& target) {
  requireAdmin("Undrain");
  const auto parsed = requireDrainTarget(scope, target);
  try {
    return control_.undrain(parsed);
  } catch (...) {
    rethrowAsBusError("undraining " + scope + " '" + target + "'");
  }
}

std::vector<std::string> ManagerObject::Reload() {
  requireAdmin("Reload");
  try {
    return control_.reload();
  } catch (...) {
    rethrowAsBusError("reloading the configuration");
  }
}

void ManagerObject::SetLogLevel(const std::string& level) {
  requireAdmin("SetLogLevel");
  const auto parsed = requireLogLevel(level);
  try {
    control_.setLogLevel(parsed);
  } catch (...) {
    rethrowAsBusError("setting the log level to " + level);
  }
}

}  // namespace kipvs::bus
