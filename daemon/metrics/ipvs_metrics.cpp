#include "metrics/ipvs_metrics.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace kipvs::metrics {
namespace {

// The labels of one virtual service, rendered once and reused by every sample of it.
struct ServiceLabels {
  std::string port;
  std::string address;

  std::vector<Label> of(const core::DesiredVirtualService& desired) const {
    const auto& key = desired.service.key;
    return {{"namespace", desired.origin.ns},
            {"service", desired.origin.name},
            {"port_name", desired.origin.portName},
            {"kind", core::toString(desired.origin.kind)},
            {"protocol", key.fwmark != 0 ? std::string_view("FWM") : core::toString(key.protocol)},
            {"address", address},
            {"port", port}};
  }
};

struct Counter {
  const char* name;
  const char* help;
  std::uint64_t core::IpvsStats::*field;
};

constexpr std::array kServiceCounters{
    Counter{"kipvs_virtual_service_connections_total", "Connections scheduled to the virtual service",
            &core::IpvsStats::connections},
    Counter{"kipvs_virtual_service_incoming_packets_total", "Packets received by the virtual service",
            &core::IpvsStats::packetsIn},
    Counter{"kipvs_virtual_service_outgoing_packets_total", "Packets sent by the virtual service",
            &core::IpvsStats::packetsOut},
    Counter{"kipvs_virtual_service_incoming_bytes_total", "Bytes received by the virtual service",
            &core::IpvsStats::bytesIn},
    Counter{"kipvs_virtual_service_outgoing_bytes_total", "Bytes sent by the virtual service",
            &core::IpvsStats::bytesOut},
};

const core::DesiredRealServer* findDesired(const core::DesiredVirtualService& desired,
                                           const core::RealServer& real) {
  // desired.reals is sorted by (address, port).
  const auto it = std::lower_bound(desired.reals.begin(), desired.reals.end(), real,
                                   [](const core::DesiredRealServer& entry, const core::RealServer& wanted) {
                                     return std::tie(entry.server.address, entry.server.port) <
                                            std::tie(wanted.address, wanted.port);
                                   });
  if (it != desired.reals.end() && it->server.address == real.address && it->server.port == real.port) {
    return &*it;
  }
  return nullptr;
}

}  // namespace

void writeIpvsMetrics(TextWriter& writer, const core::DesiredState& desired, const KernelCounters& kernel) {
  // Ours, in the kernel, in key order: the pairs every family below walks.
  std::vector<std::pair<const core::DesiredVirtualService*, const core::VirtualServiceStatus*>> ours;
  ours.reserve(kernel.services.size());
  for (const auto& status : kernel.services) {
    const auto found = desired.services.find(status.service.key);
    if (found != desired.services.end()) {
      ours.emplace_back(&found->second, &status);
    }
  }
  std::vector<ServiceLabels> rendered;
  rendered.reserve(ours.size());
  for (const auto& [service, status] : ours) {
    const auto& key = status->service.key;
    rendered.push_back({.port = std::to_string(key.fwmark != 0 ? key.fwmark : key.port),
                        .address = key.fwmark != 0 ? std::string() : key.address.toString()});
  }

  for (const auto& counter : kServiceCounters) {
    writer.family(counter.name, MetricType::Counter, counter.help);
    for (std::size_t i = 0; i < ours.size(); ++i) {
      writer.sample(counter.name, rendered[i].of(*ours[i].first), ours[i].second->stats.*counter.field);
    }
  }

  const auto writeReals = [&](const char* name, const char* help, auto field) {
    writer.family(name, MetricType::Gauge, help);
    for (std::size_t i = 0; i < ours.size(); ++i) {
      const auto reals = kernel.realServers.find(ours[i].second->service.key);
      if (reals == kernel.realServers.end()) {
        continue;
      }
      auto labels = rendered[i].of(*ours[i].first);
      for (const auto& real : reals->second) {
        const auto* origin = findDesired(*ours[i].first, real.server);
        const auto address = real.server.address.toString();
        const auto port = std::to_string(real.server.port);
        labels.resize(7);
        labels.push_back({"real_address", address});
        labels.push_back({"real_port", port});
        labels.push_back({"pod", origin != nullptr ? std::string_view(origin->endpoint.pod) : ""});
        labels.push_back({"node", origin != nullptr ? std::string_view(origin->endpoint.node) : ""});
        writer.sample(name, labels, static_cast<std::uint64_t>(real.*field));
      }
    }
  };
  writeReals("kipvs_real_server_active_connections", "Established connections to the real server",
             &core::RealServerStatus::activeConnections);
  writeReals("kipvs_real_server_inactive_connections",
             "Connections to the real server in any other state (closing, UDP)",
             &core::RealServerStatus::inactiveConnections);
}

}  // namespace kipvs::metrics
