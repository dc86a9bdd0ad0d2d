#include "bus/service_object.hpp"

#include "bus/arguments.hpp"
#include "bus/wire.hpp"
#include "dbus/bus_names.hpp"

namespace kipvs::bus {

namespace {
constexpr const char* kInterface = org::kipvs::Proxy1::VirtualService_adaptor::INTERFACE_NAME;
}

ServiceObject::ServiceObject(sdbus::IConnection& connection, std::string path,
                             core::DesiredVirtualService value, core::ControlPort& control)
    : AdaptorInterfaces(connection, path),
      path_(std::move(path)),
      value_(std::move(value)),
      control_(control) {
  registerAdaptor();
}

ServiceObject::~ServiceObject() {
  unregisterAdaptor();
}

void ServiceObject::announce() {
  emitInterfacesAddedSignal({kInterface});
}

void ServiceObject::retract() {
  emitInterfacesRemovedSignal({kInterface});
}

bool ServiceObject::update(const core::DesiredVirtualService& value) {
  if (value == value_)
    return false;
  const auto& was = value_;
  std::vector<std::string> changed;
  if (value.origin.ns != was.origin.ns)
    changed.emplace_back("Namespace");
  if (value.origin.name != was.origin.name)
    changed.emplace_back("Name");
  if (value.origin.portName != was.origin.portName)
    changed.emplace_back("PortName");
  if (value.origin.kind != was.origin.kind)
    changed.emplace_back("Kind");
  if (value.service.scheduler != was.service.scheduler)
    changed.emplace_back("Scheduler");
  if (value.service.flags != was.service.flags)
    changed.emplace_back("Flags");
  if (persistenceOf(value.service) != persistenceOf(was.service))
    changed.emplace_back("PersistenceTimeout");
  if (value.problem != was.problem)
    changed.emplace_back("Problem");
  if (value.reals != was.reals)
    changed.emplace_back("RealServers");
  value_ = value;
  // A change only in fields the contract does not show (netmask, bound address) signals nothing.
  if (!changed.empty())
    emitPropertiesChangedSignal(kInterface, changed);
  return !changed.empty();
}

std::tuple<StatsWire, std::vector<RealServerStatsWire>> ServiceObject::GetStats() {
  try {
    const auto status = control_.readStatus(value_.service.key);
    if (!status) {
      throw sdbus::Error(dbus::kErrorUnavailable,
                         "the kernel has no virtual service " + value_.service.key.toString());
    }
    std::vector<RealServerStatsWire> reals;
    reals.reserve(status->reals.size());
    for (const auto& real : status->reals)
      reals.push_back(toWire(real));
    return {toWire(status->stats), std::move(reals)};
  } catch (...) {
    rethrowAsBusError("reading kernel counters of " + value_.service.key.toString());
  }
}

std::string ServiceObject::Key() {
  return value_.service.key.toString();
}
std::string ServiceObject::Namespace() {
  return value_.origin.ns;
}
std::string ServiceObject::Name() {
  return value_.origin.name;
}
std::string ServiceObject::PortName() {
  return value_.origin.portName;
}
std::string ServiceObject::Kind() {
  return std::string(core::toString(value_.origin.kind));
}
std::string ServiceObject::Protocol() {
  return std::string(core::toString(value_.service.key.protocol));
}
std::string ServiceObject::Address() {
  return value_.service.key.address.toString();
}
std::uint16_t ServiceObject::Port() {
  return value_.service.key.port;
}
std::uint32_t ServiceObject::Fwmark() {
  return value_.service.key.fwmark;
}
std::string ServiceObject::Scheduler() {
  return value_.service.scheduler;
}
std::vector<std::string> ServiceObject::Flags() {
  return flagNames(value_.service.flags);
}
std::uint32_t ServiceObject::PersistenceTimeout() {
  return persistenceOf(value_.service);
}
std::string ServiceObject::Problem() {
  return value_.problem;
}
std::vector<RealServerWire> ServiceObject::RealServers() {
  return toWire(value_.reals);
}

}  // namespace kipvs::bus
