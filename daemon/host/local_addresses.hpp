#pragma once

// The node's own addresses, where NodePort virtual services go (kube-proxy pkg/proxy/ipvs/netlink_linux.go).

#include <optional>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"

namespace kipvs::host {

struct InterfaceAddress {
  int ifindex = 0;
  core::IpAddress address;

  auto operator<=>(const InterfaceAddress&) const = default;
};

// Keeps the addresses usable for NodePorts: not on `excludedIfindex` (kipvs0: those are VIPs), not
// loopback, not IPv6 link-local (IPv4 169.254/16 stays, as in kube-proxy). Sorted, without duplicates.
std::vector<core::IpAddress> nodePortCandidates(const std::vector<InterfaceAddress>& all, int excludedIfindex,
                                                std::optional<core::IpFamily> family = std::nullopt);

// Every address of every link, from one RTM_GETADDR dump.
std::vector<InterfaceAddress> dumpInterfaceAddresses();

// nodePortCandidates over a fresh dump, excluding the link named `excludedLink` (if it exists).
std::vector<core::IpAddress> localNodeAddresses(std::optional<core::IpFamily> family = std::nullopt,
                                                std::string_view excludedLink = "kipvs0");

}  // namespace kipvs::host
