#include "bus/wire.hpp"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <system_error>

#include "dbus/bus_names.hpp"

namespace kipvs::bus {

namespace {

std::string addressText(const core::IpAddress& address) {
  return address.toString();
}

}  // namespace

std::string servicePath(const core::VirtualServiceKey& key) {
  char* raw = nullptr;
  const std::string text = key.toString();
  const int rc = sd_bus_path_encode(dbus::kServicePathPrefix, text.c_str(), &raw);
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(), "sd_bus_path_encode(" + text + ")");
  }
  const std::unique_ptr<char, decltype(&std::free)> owned(raw, &std::free);
  return std::string(raw);
}

std::vector<std::string> flagNames(std::uint32_t flags) {
  namespace f = core::svc_flags;
  std::vector<std::string> names;
  if ((flags & f::kPersistent) != 0) {
    names.emplace_back("persistent");
  }
  if ((flags & f::kOnePacket) != 0) {
    names.emplace_back("one-packet");
  }
  if ((flags & f::kSched1) != 0) {
    names.emplace_back("sched-flag-1");
  }
  if ((flags & f::kSched2) != 0) {
    names.emplace_back("sched-flag-2");
  }
  if ((flags & f::kSched3) != 0) {
    names.emplace_back("sched-flag-3");
  }
  return names;
}

std::uint32_t persistenceOf(const core::VirtualService& service) {
  return (service.flags & core::svc_flags::kPersistent) != 0 ? service.timeout : 0;
}

RealServerWire toWire(const core::DesiredRealServer& real) {
  const auto& ep = real.endpoint;
  return RealServerWire{addressText(real.server.address),
                        real.server.port,
                        real.server.weight,
                        std::string(core::toString(real.server.forward)),
                        ep.pod,
                        ep.node,
                        ep.ready,
                        ep.serving,
                        ep.terminating,
                        ep.local,
                        real.drained};
}

std::vector<RealServerWire> toWire(const std::vector<core::DesiredRealServer>& reals) {
  std::vector<RealServerWire> out;
  out.reserve(reals.size());
  for (const auto& real : reals) {
    out.push_back(toWire(real));
  }
  return out;
}

ServiceEntryWire toWire(const std::string& path, const core::DesiredVirtualService& service) {
  const auto& vs = service.service;
  const auto& key = vs.key;
  return ServiceEntryWire{sdbus::ObjectPath(path),
                          key.toString(),
                          service.origin.ns,
                          service.origin.name,
                          service.origin.portName,
                          std::string(core::toString(service.origin.kind)),
                          std::string(core::toString(key.protocol)),
                          addressText(key.address),
                          key.port,
                          key.fwmark,
                          vs.scheduler,
                          flagNames(vs.flags),
                          persistenceOf(vs),
                          service.problem,
                          toWire(service.reals)};
}

StatsWire toWire(const core::IpvsStats& s) {
  return StatsWire{s.connections,        s.packetsIn,
                   s.packetsOut,         s.bytesIn,
                   s.bytesOut,           s.connectionsPerSecond,
                   s.packetsInPerSecond, s.packetsOutPerSecond,
                   s.bytesInPerSecond,   s.bytesOutPerSecond};
}

RealServerStatsWire toWire(const core::RealServerStatus& status) {
  return RealServerStatsWire{addressText(status.server.address), status.server.port,
                             status.activeConnections,           status.inactiveConnections,
                             status.persistentConnections,       toWire(status.stats)};
}

VerdictWire toWire(const core::ExplainedEndpoint& verdict) {
  return VerdictWire{addressText(verdict.address),
                     verdict.port,
                     verdict.pod,
                     verdict.node,
                     verdict.included,
                     verdict.reason};
}

}  // namespace kipvs::bus
