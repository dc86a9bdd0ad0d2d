#pragma once

// The published virtual services, shared by the publisher (which changes it) and the Manager object
// (which answers List/Get from it).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "bus/service_object.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::bus {

struct Catalog {
  std::map<core::VirtualServiceKey, std::unique_ptr<ServiceObject>> byKey;  // ordered like ipvsadm -Ln
  std::unordered_map<std::string, const ServiceObject*> byText;             // "TCP 10.96.0.1:443" → object
  std::uint32_t realServerCount = 0;
};

}  // namespace kipvs::bus
