#pragma once

// What the publisher last announced for one virtual service, kept small: enough to tell which
// properties a new value changes and how many real servers it counted, without a copy of the value.
// The value itself stays in the daemon's desired state, which the properties read on demand; a copy
// here would double the largest structure in the daemon (10,000 services × 10 real servers).
// Strings and the real-server list are kept as 64-bit hashes of what the contract shows; a collision
// (about 2^-64 per change) would only cost one PropertiesChanged.

#include <cstdint>
#include <vector>

#include "core/desired_state.hpp"

namespace kipvs::bus {

struct Shown {
  std::uint64_t ns = 0;
  std::uint64_t name = 0;
  std::uint64_t portName = 0;
  std::uint64_t scheduler = 0;
  std::uint64_t problem = 0;
  std::uint64_t realServers = 0;
  std::uint32_t flags = 0;
  std::uint32_t persistence = 0;
  std::uint32_t realCount = 0;
  core::ServiceKind kind = core::ServiceKind::ClusterIP;

  bool operator==(const Shown&) const = default;
};

Shown shownOf(const core::DesiredVirtualService& value);

// Names of the org.kipvs.Proxy1.VirtualService properties that differ, in contract order.
std::vector<const char*> changedProperties(const Shown& was, const Shown& now);

}  // namespace kipvs::bus
