#include "app/ipv6_forwarding.hpp"

#include "core/log.hpp"

namespace kipvs::app {

std::string Ipv6Forwarding::synced(const AppliedSync& sync) {
  // O(1) on every sync: keys order by family first, so any IPv6 virtual service is the last one.
  static_assert(core::IpFamily::V4 < core::IpFamily::V6);
  const auto& services = sync.desired.services;
  const bool hasIpv6 = !services.empty() && services.rbegin()->first.family == core::IpFamily::V6;
  if (on_ || !hasIpv6) {
    return {};
  }
  try {
    forwarding_.enableIpv6Forwarding();
    on_ = true;
  } catch (const std::exception& error) {
    log::error(std::string("cannot enable IPv6 forwarding for IPv6 virtual services: ") + error.what() +
               " (tried again after the next sync)");
  }
  return {};
}

}  // namespace kipvs::app
