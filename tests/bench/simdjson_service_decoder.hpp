#pragma once

// The bench's counterpart of kipvs's Service LIST decoder written on simdjson's On-Demand API: the
// same fields into the same core::Service values, so the two can be timed on the same bytes.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/cluster.hpp"

namespace kipvs::bench {

// Decodes a ServiceList in `json`, whose buffer must extend `padding` readable bytes past its end
// (simdjson reads ahead). Returns the list's resourceVersion.
std::string decodeServiceListSimdjson(std::string_view json, std::size_t capacity,
                                      const std::function<void(core::Service&&)>& onItem);
// One watch event document (type + Service object).
core::Service decodeServiceEventSimdjson(std::string_view json, std::size_t capacity);
std::size_t simdjsonPadding();

}  // namespace kipvs::bench
