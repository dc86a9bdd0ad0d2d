#pragma once

// Desired state of ONE Service (kube-proxy pkg/proxy/serviceport.go, pkg/proxy/ipvs/proxier.go): the
// incremental unit. computeDesired (desired_builder.hpp) is this applied to every Service of a snapshot.

#include <span>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "core/endpoint_selection.hpp"
#include "core/node_context.hpp"

namespace kipvs::core {

inline constexpr std::string_view kServiceProxyNameLabel = "service.kubernetes.io/service-proxy-name";

ServiceDesired computeService(const Service& service, std::span<const EndpointSlice> slices,
                              const NodeContext& node);

// Explain: every virtual service of the Service with every endpoint considered and its verdict.
struct ExplainedVirtualService {
  VirtualServiceKey key;
  ServiceOrigin origin;
  std::vector<EndpointDecision> endpoints{};

  bool operator==(const ExplainedVirtualService&) const = default;
};

std::vector<ExplainedVirtualService> explainService(const Service& service,
                                                    std::span<const EndpointSlice> slices,
                                                    const NodeContext& node);

// Node addresses that carry NodePorts for `family` (nodePortAddresses filter; never loopback or
// IPv6 link-local, as kube-proxy).
std::vector<IpAddress> nodePortAddressesFor(const NodeContext& node, IpFamily family);

}  // namespace kipvs::core
