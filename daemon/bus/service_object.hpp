#pragma once

// One published virtual service: /org/kipvs/Proxy1/service/<escaped key> with
// org.kipvs.Proxy1.VirtualService. Holds the value it shows; live counters come from the ControlPort.

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <vector>

#include "bus/wire.hpp"
#include "core/control_port.hpp"
#include "core/desired_state.hpp"
#include "dbus/virtual_service_adaptor.h"

namespace kipvs::bus {

class ServiceObject final
    : public sdbus::AdaptorInterfaces<org::kipvs::Proxy1::VirtualService_adaptor, sdbus::Properties_adaptor,
                                      sdbus::ManagedObject_adaptor> {
 public:
  // Registers the object; the caller announces it with announce() once it is complete.
  ServiceObject(sdbus::IConnection& connection, std::string path, core::DesiredVirtualService value,
                core::ControlPort& control);
  ~ServiceObject();
  ServiceObject(const ServiceObject&) = delete;
  ServiceObject& operator=(const ServiceObject&) = delete;

  void announce();  // InterfacesAdded
  void retract();   // InterfacesRemoved (before destruction)

  // Replaces the value; emits PropertiesChanged for what changed. Returns false when nothing did.
  bool update(const core::DesiredVirtualService& value);

  const core::DesiredVirtualService& value() const { return value_; }
  const std::string& path() const { return path_; }

 private:
  std::tuple<StatsWire, std::vector<RealServerStatsWire>> GetStats() override;

  std::string Key() override;
  std::string Namespace() override;
  std::string Name() override;
  std::string PortName() override;
  std::string Kind() override;
  std::string Protocol() override;
  std::string Address() override;
  std::uint16_t Port() override;
  std::uint32_t Fwmark() override;
  std::string Scheduler() override;
  std::vector<std::string> Flags() override;
  std::uint32_t PersistenceTimeout() override;
  std::string Problem() override;
  std::vector<RealServerWire> RealServers() override;

  std::string path_;
  core::DesiredVirtualService value_;
  core::ControlPort& control_;
};

}  // namespace kipvs::bus
