#pragma once

// Core values → the D-Bus structs of the contract (dbus/org.kipvs.Proxy1.Manager.xml). Translation
// only: no decision is taken here.

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/control_port.hpp"
#include "core/desired_state.hpp"

namespace kipvs::bus {

// (sqisssbbbbb): address, port, weight, forward, pod, node, ready, serving, terminating, local, drained
using RealServerWire = sdbus::Struct<std::string, std::uint16_t, std::int32_t, std::string, std::string,
                                     std::string, bool, bool, bool, bool, bool>;
// (osssssssqusasusa(...)): path, key, namespace, name, port name, kind, protocol, address, port,
// fwmark, scheduler, flags, persistence, problem, real servers
using ServiceEntryWire =
    sdbus::Struct<sdbus::ObjectPath, std::string, std::string, std::string, std::string, std::string,
                  std::string, std::string, std::uint16_t, std::uint32_t, std::string,
                  std::vector<std::string>, std::uint32_t, std::string, std::vector<RealServerWire>>;
using StatsWire = sdbus::Struct<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t,
                                std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>;
// (squuu(t*10)): address, port, active, inactive, persistent connections, counters
using RealServerStatsWire =
    sdbus::Struct<std::string, std::uint16_t, std::uint32_t, std::uint32_t, std::uint32_t, StatsWire>;
// (sqssbs): address, port, pod, node, included, reason
using VerdictWire = sdbus::Struct<std::string, std::uint16_t, std::string, std::string, bool, std::string>;

// "/org/kipvs/Proxy1/service/<sd_bus_path_encode(key.toString())>".
std::string servicePath(const core::VirtualServiceKey& key);

std::vector<std::string> flagNames(std::uint32_t flags);  // svc_flags → "persistent", "one-packet", ...
std::uint32_t persistenceOf(const core::VirtualService& service);  // 0 unless persistent

RealServerWire toWire(const core::DesiredRealServer& real);
std::vector<RealServerWire> toWire(const std::vector<core::DesiredRealServer>& reals);
ServiceEntryWire toWire(const std::string& path, const core::DesiredVirtualService& service);
StatsWire toWire(const core::IpvsStats& stats);
RealServerStatsWire toWire(const core::RealServerStatus& status);
VerdictWire toWire(const core::ExplainedEndpoint& verdict);

}  // namespace kipvs::bus
