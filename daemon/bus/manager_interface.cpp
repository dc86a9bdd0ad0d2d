#include "bus/manager_interface.hpp"

namespace kipvs::bus {

ManagerInterface::ManagerInterface(sdbus::IObject& object) : object_(object) {
  const std::string iface = INTERFACE_NAME;
  // Signature of ServiceEntryWire: (osssssssqusasusa(sqisssbbbbb)).
  object_.registerMethod(iface, "ListVirtualServices", "", {},
                         "a" + sdbus::signature_of<ServiceEntryWire>::str(), {"services"},
                         [this](sdbus::MethodCall call) { ListVirtualServices(std::move(call)); });
  object_.registerMethod("GetVirtualService")
      .onInterface(iface)
      .withInputParamNames("key")
      .withOutputParamNames("service")
      .implementedAs([this](const std::string& key) { return GetVirtualService(key); });
  object_.registerMethod("GetStatistics")
      .onInterface(iface)
      .withOutputParamNames("statistics")
      .implementedAs([this]() { return GetStatistics(); });
  object_.registerMethod("Explain")
      .onInterface(iface)
      .withInputParamNames("address", "port", "protocol")
      .withOutputParamNames("key", "summary", "endpoints")
      .implementedAs([this](const std::string& address, const std::uint16_t& port,
                            const std::string& protocol) { return Explain(address, port, protocol); });
  object_.registerMethod("Plan").onInterface(iface).withOutputParamNames("changes").implementedAs(
      [this]() { return Plan(); });
  object_.registerMethod("Resync").onInterface(iface).implementedAs([this]() { return Resync(); });
  object_.registerMethod("Drain")
      .onInterface(iface)
      .withInputParamNames("scope", "target")
      .withOutputParamNames("affected")
      .implementedAs(
          [this](const std::string& scope, const std::string& target) { return Drain(scope, target); });
  object_.registerMethod("Undrain")
      .onInterface(iface)
      .withInputParamNames("scope", "target")
      .withOutputParamNames("affected")
      .implementedAs(
          [this](const std::string& scope, const std::string& target) { return Undrain(scope, target); });
  object_.registerMethod("SetLogLevel")
      .onInterface(iface)
      .withInputParamNames("level")
      .implementedAs([this](const std::string& level) { return SetLogLevel(level); });
  object_.registerMethod("Reload")
      .onInterface(iface)
      .withOutputParamNames("restart_required")
      .implementedAs([this]() { return Reload(); });
  object_.registerSignal("SyncCompleted")
      .onInterface(iface)
      .withParameters<std::uint64_t, std::uint64_t, std::uint32_t, std::uint32_t, std::uint32_t,
                      std::uint32_t>("finished_usec", "duration_usec", "added", "removed", "changed",
                                     "failed");
  object_.registerSignal("ServiceChanged")
      .onInterface(iface)
      .withParameters<sdbus::ObjectPath, std::string, std::string>("path", "key", "change");
  constexpr auto kConst = sdbus::Flags::CONST_PROPERTY_VALUE;
  constexpr auto kEmits = sdbus::Flags::EMITS_CHANGE_SIGNAL;
  object_.registerProperty("Version")
      .onInterface(iface)
      .withGetter([this]() { return Version(); })
      .withUpdateBehavior(kConst);
  object_.registerProperty("NodeName")
      .onInterface(iface)
      .withGetter([this]() { return NodeName(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("Source")
      .onInterface(iface)
      .withGetter([this]() { return Source(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("ApiServer")
      .onInterface(iface)
      .withGetter([this]() { return ApiServer(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("Connected")
      .onInterface(iface)
      .withGetter([this]() { return Connected(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("SyncState")
      .onInterface(iface)
      .withGetter([this]() { return SyncState(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("LastSyncUsec")
      .onInterface(iface)
      .withGetter([this]() { return LastSyncUsec(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("LastError")
      .onInterface(iface)
      .withGetter([this]() { return LastError(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("VirtualServiceCount")
      .onInterface(iface)
      .withGetter([this]() { return VirtualServiceCount(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("RealServerCount")
      .onInterface(iface)
      .withGetter([this]() { return RealServerCount(); })
      .withUpdateBehavior(kEmits);
  object_.registerProperty("ResourceVersion")
      .onInterface(iface)
      .withGetter([this]() { return ResourceVersion(); })
      .withUpdateBehavior(kEmits);
}

void ManagerInterface::emitSyncCompleted(std::uint64_t finishedUsec, std::uint64_t durationUsec,
                                         std::uint32_t added, std::uint32_t removed, std::uint32_t changed,
                                         std::uint32_t failed) {
  object_.emitSignal("SyncCompleted")
      .onInterface(INTERFACE_NAME)
      .withArguments(finishedUsec, durationUsec, added, removed, changed, failed);
}

void ManagerInterface::emitServiceChanged(const sdbus::ObjectPath& path, const std::string& key,
                                          const std::string& change) {
  object_.emitSignal("ServiceChanged").onInterface(INTERFACE_NAME).withArguments(path, key, change);
}

}  // namespace kipvs::bus
