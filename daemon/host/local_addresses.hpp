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

// nodePortCandidates over a fresh dump, excluding the links named `excludedLinks` (those that exist):
// kipvs0 and kube-ipvs0 carry service VIPs, never NodePorts (kube-proxy excludes kube-ipvs0 the same way).
std::vector<core::IpAddress> localNodeAddresses(std::optional<core::IpFamily> family = std::nullopt,
                                                const std::vector<std::string_view>& excludedLinks = {
                                                    "kipvs0", "kube-ipvs0"});

}  // namespace kipvs::host
