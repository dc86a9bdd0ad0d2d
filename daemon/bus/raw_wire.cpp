#include "bus/raw_wire.hpp"

#include <cstring>
#include <string>
#include <system_error>

#include "bus/wire.hpp"

namespace kipvs::bus {

namespace {

void check(int rc, const char* what) {
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(), std::string("sd-bus: appending ") + what);
  }
}

void appendText(sd_bus_message* m, const std::string& text) {
  check(sd_bus_message_append_basic(m, 's', text.c_str()), "a string");
}

void appendCounters(sd_bus_message* m, const core::IpvsStats& s) {
  check(sd_bus_message_append(m, "(tttttttttt)", s.connections, s.packetsIn, s.packetsOut, s.bytesIn,
                              s.bytesOut, s.connectionsPerSecond, s.packetsInPerSecond, s.packetsOutPerSecond,
                              s.bytesInPerSecond, s.bytesOutPerSecond),
        "Stats");
}

void appendFlags(sd_bus_message* m, std::uint32_t flags) {
  check(sd_bus_message_open_container(m, 'a', "s"), "Flags");
  for (const auto& name : flagNames(flags)) {
    appendText(m, name);
  }
  check(sd_bus_message_close_container(m), "Flags");
}

// a(sqisssbbbbb), field for field as toWire(DesiredRealServer).
void appendRealServers(sd_bus_message* m, const std::vector<core::DesiredRealServer>& reals) {
  check(sd_bus_message_open_container(m, 'a', "(sqisssbbbbb)"), "RealServers");
  for (const auto& real : reals) {
    const auto& ep = real.endpoint;
    const std::string address = real.server.address.toString();
    const std::string forward(core::toString(real.server.forward));
    // sd-bus wants int for 'b'.
    check(sd_bus_message_append(m, "(sqisssbbbbb)", address.c_str(), real.server.port, real.server.weight,
                                forward.c_str(), ep.pod.c_str(), ep.node.c_str(), int{ep.ready},
                                int{ep.serving}, int{ep.terminating}, int{ep.local}, int{real.drained}),
          "a real server");
  }
  check(sd_bus_message_close_container(m), "RealServers");
}

}  // namespace

bool appendProperty(sd_bus_message* m, const char* property, const core::DesiredVirtualService& value) {
  const auto& vs = value.service;
  const auto is = [property](const char* name) { return std::strcmp(property, name) == 0; };
  if (is("Key")) {
    appendText(m, vs.key.toString());
  } else if (is("Namespace")) {
    appendText(m, value.origin.ns);
  } else if (is("Name")) {
    appendText(m, value.origin.name);
  } else if (is("PortName")) {
    appendText(m, value.origin.portName);
  } else if (is("Kind")) {
    appendText(m, std::string(core::toString(value.origin.kind)));
  } else if (is("Protocol")) {
    appendText(m, std::string(core::toString(vs.key.protocol)));
  } else if (is("Address")) {
    appendText(m, vs.key.address.toString());
  } else if (is("Port")) {
    check(sd_bus_message_append_basic(m, 'q', &vs.key.port), "Port");
  } else if (is("Fwmark")) {
    check(sd_bus_message_append_basic(m, 'u', &vs.key.fwmark), "Fwmark");
  } else if (is("Scheduler")) {
    appendText(m, vs.scheduler);
  } else if (is("Flags")) {
    appendFlags(m, vs.flags);
  } else if (is("PersistenceTimeout")) {
    const std::uint32_t timeout = persistenceOf(vs);
    check(sd_bus_message_append_basic(m, 'u', &timeout), "PersistenceTimeout");
  } else if (is("Problem")) {
    appendText(m, value.problem);
  } else if (is("RealServers")) {
    appendRealServers(m, value.reals);
  } else {
    return false;
  }
  return true;
}

void appendStats(sd_bus_message* m, const core::LiveServiceStatus& status) {
  appendCounters(m, status.stats);
  check(sd_bus_message_open_container(m, 'a', "(squuu(tttttttttt))"), "real server stats");
  for (const auto& real : status.reals) {
    const std::string address = real.server.address.toString();
    check(sd_bus_message_open_container(m, 'r', "squuu(tttttttttt)"), "real server stats");
    check(sd_bus_message_append(m, "squuu", address.c_str(), real.server.port, real.activeConnections,
                                real.inactiveConnections, real.persistentConnections),
          "real server stats");
    appendCounters(m, real.stats);
    check(sd_bus_message_close_container(m), "real server stats");
  }
  check(sd_bus_message_close_container(m), "real server stats");
}

}  // namespace kipvs::bus
