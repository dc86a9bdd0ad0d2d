#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/reconciler.hpp"
#include "core_fixtures.hpp"
#include "fakes.hpp"

namespace kipvs::core::testing {

inline VirtualServiceKey key(Protocol protocol, std::string_view address, std::uint16_t number) {
  return {.family = ip(address).family(), .protocol = protocol, .address = ip(address), .port = number};
}

// web: TCP 10.96.0.10:80 → :8080 on the given pods; dns: UDP 10.96.0.53:53 → :53 on the given pods.
inline ClusterSnapshot cluster(const std::vector<std::string>& webPods,
                               const std::vector<std::string>& dnsPods = {}) {
  std::vector<Service> services{service("web", {"10.96.0.10"}, {port(80, "http")})};
  std::vector<EndpointSlice> slices;
  std::vector<Endpoint> web;
  web.reserve(webPods.size());
  for (const auto& pod : webPods) {
    web.push_back(endpoint(pod, "node-b"));
  }
  slices.push_back(slice("web", web, {slicePort(8080, "http")}));
  if (!dnsPods.empty()) {
    services.push_back(service("dns", {"10.96.0.53"}, {port(53, "dns", Protocol::Udp)}));
    std::vector<Endpoint> dns;
    dns.reserve(dnsPods.size());
    for (const auto& pod : dnsPods) {
      dns.push_back(endpoint(pod, "node-b"));
    }
    slices.push_back(slice("dns", dns, {slicePort(53, "dns", Protocol::Udp)}));
  }
  return snapshot(services, slices);
}

class ReconcilerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Reconciler> make(ReconcilerOptions options = {}) {
    auto reconciler =
        std::make_unique<Reconciler>(ipvs, addresses, conntrack, store, clock, nodeA(), options);
    reconciler->start();
    return reconciler;
  }

  // The op log since the last call.
  std::vector<std::string> takeOps() {
    auto ops = std::move(ipvs.log);
    ipvs.log.clear();
    return ops;
  }

  FakeIpvs ipvs;
  FakeAddresses addresses;
  FakeConntrack conntrack;
  FakeStore store;
  FakeClock clock;
};

}  // namespace kipvs::core::testing
