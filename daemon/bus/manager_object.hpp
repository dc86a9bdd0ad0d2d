#pragma once

// /org/kipvs/Proxy1: org.kipvs.Proxy1.Manager + org.freedesktop.DBus.ObjectManager. Answers reads from
// the Catalog and its status values; forwards actions to the ControlPort after the caller check.

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <tuple>
#include <vector>

#include "bus/caller_policy.hpp"
#include "bus/catalog.hpp"
#include "bus/manager_interface.hpp"
#include "bus/raw_bus.hpp"
#include "bus/wire.hpp"
#include "core/control_port.hpp"

namespace kipvs::bus {

class ManagerObject final : public sdbus::AdaptorInterfaces<ManagerInterface, sdbus::Properties_adaptor,
                                                            sdbus::ObjectManager_adaptor> {
 public:
  ManagerObject(sdbus::IConnection& connection, const Catalog& catalog, core::ControlPort& control,
                CallerPolicy policy, std::string version);
  ~ManagerObject();
  ManagerObject(const ManagerObject&) = delete;
  ManagerObject& operator=(const ManagerObject&) = delete;

  // Replace the shown values; each emits one PropertiesChanged listing what changed.
  void setStatus(const core::AgentStatus& status);
  void setSync(std::uint64_t lastSyncUsec);  // also refreshes the counts from the catalog

  void emitServiceChange(const std::string& path, const std::string& key, const std::string& change);

  // The sd_bus under this object's connection (see raw_bus.hpp).
  SdBusRef rawBus();
  void emitSyncCompleted(const core::SyncSummary& report, std::uint32_t added, std::uint32_t removed,
                         std::uint32_t changed);

 private:
  void ListVirtualServices(sdbus::MethodCall call) override;
  ServiceEntryWire GetVirtualService(const std::string& key) override;
  std::vector<sdbus::Struct<std::string, StatsWire>> GetStatistics() override;
  std::tuple<std::string, std::string, std::vector<VerdictWire>> Explain(
      const std::string& address, const std::uint16_t& port, const std::string& protocol) override;
  std::vector<sdbus::Struct<std::string, std::string>> Plan() override;
  void Resync() override;
  std::uint32_t Drain(const std::string& scope, const std::string& target) override;
  std::uint32_t Undrain(const std::string& scope, const std::string& target) override;
  void SetLogLevel(const std::string& level) override;
  std::vector<std::string> Reload() override;

  std::string Version() override { return version_; }
  std::string NodeName() override { return status_.nodeName; }
  std::string Source() override { return status_.source; }
  std::string ApiServer() override { return status_.apiServer; }
  bool Connected() override { return status_.connected; }
  std::string SyncState() override { return std::string(core::toString(status_.syncState)); }
  std::uint64_t LastSyncUsec() override { return lastSyncUsec_; }
  std::string LastError() override { return status_.lastError; }
  std::uint32_t VirtualServiceCount() override { return serviceCount_; }
  std::uint32_t RealServerCount() override { return realServerCount_; }
  std::string ResourceVersion() override { return status_.resourceVersion; }

  void requireAdmin(const std::string& method);

  const Catalog& catalog_;
  core::ControlPort& control_;
  CallerPolicy policy_;
  std::string version_;
  core::AgentStatus status_;
  std::uint64_t lastSyncUsec_ = 0;
  std::uint32_t serviceCount_ = 0;
  std::uint32_t realServerCount_ = 0;
};

}  // namespace kipvs::bus
