#include "core/service_health.hpp"

#include <set>
#include <sstream>
#include <utility>

#include "core/json_writer.hpp"

namespace kipvs::core {
namespace {

std::string jsonString(std::string_view text) {
  std::ostringstream out;
  JsonWriter(out).value(text);
  return out.str();
}

}  // namespace

std::map<ObjectKey, std::uint32_t> localReadyEndpoints(const ClusterSnapshot& snapshot,
                                                       std::string_view nodeName,
                                                       const std::map<ObjectKey, std::uint16_t>& services) {
  std::map<ObjectKey, std::uint32_t> counts;
  for (const auto& [key, port] : services) {
    const auto slices = snapshot.slicesByService.find(key);
    if (slices == snapshot.slicesByService.end()) {
      continue;
    }
    std::set<std::pair<IpAddress, std::uint16_t>> ready;
    for (const auto& slice : slices->second) {
      if (slice.addressType == AddressType::FQDN) {
        continue;
      }
      for (const auto& endpoint : slice.endpoints) {
        if (!endpoint.conditions.ready || endpoint.nodeName != nodeName || endpoint.addresses.empty()) {
          continue;
        }
        for (const auto& endpointPort : slice.ports) {
          if (endpointPort.port && *endpointPort.port != 0) {
            ready.emplace(endpoint.addresses.front(), *endpointPort.port);
          }
        }
      }
    }
    if (!ready.empty()) {
      counts[key] = static_cast<std::uint32_t>(ready.size());
    }
  }
  return counts;
}

HealthAnswer serviceHealthAnswer(const ObjectKey& service, std::uint32_t localEndpoints, bool proxyHealthy) {
  const auto count = std::to_string(localEndpoints);
  return {.status = localEndpoints != 0 && proxyHealthy ? 200 : 503,
          .headers = {{"Content-Type", "application/json"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"X-Load-Balancing-Endpoint-Weight", count}},
          .body = "{\n\t\"service\": {\n\t\t\"namespace\": " + jsonString(service.ns) +
                  ",\n\t\t\"name\": " + jsonString(service.name) + "\n\t},\n\t\"localEndpoints\": " + count +
                  ",\n\t\"serviceProxyHealthy\": " + (proxyHealthy ? "true" : "false") + "\n}"};
}

}  // namespace kipvs::core
