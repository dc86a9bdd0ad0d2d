#pragma once

// The published virtual services, shared by the publisher (which changes it), the Manager object
// (which answers List/Get from it) and the ServiceTree (which serves the children from it). It holds
// no copy of the values: they are read from the desired state last given to publish(), which the
// daemon keeps alive (see SdbusPublisher::publish).

#include <cstdint>
#include <map>

#include "bus/shown.hpp"
#include "core/desired_state.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::bus {

struct Catalog {
  std::map<core::VirtualServiceKey, Shown> published;  // ordered like ipvsadm -Ln
  const core::DesiredState* state = nullptr;
  std::uint32_t realServerCount = 0;

  // The value of a published virtual service; nullptr when it is not published.
  const core::DesiredVirtualService* find(const core::VirtualServiceKey& key) const {
    if (state == nullptr || !published.contains(key)) {
      return nullptr;
    }
    const auto it = state->services.find(key);
    return it == state->services.end() ? nullptr : &it->second;
  }
};

}  // namespace kipvs::bus
