#include "app/ipv6_forwarding.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace kipvs::app {

std::string Ipv6Forwarding::synced(const AppliedSync& sync) {
  const bool hasIpv6 =
      std::any_of(sync.desired.services.begin(), sync.desired.services.end(),
                  [](const auto& entry) { return entry.first.family == core::IpFamily::V6; });
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
