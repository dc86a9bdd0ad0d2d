#pragma once

// Core cluster values written back as the Kubernetes API's own JSON (the inverse of decode.hpp): every
// field the decoders read, defaults left out, so decoding the output gives the same value.

#include "core/cluster.hpp"
#include "core/json_writer.hpp"

namespace kipvs::k8s {

void encodeService(core::JsonWriter& out, const core::Service& service);
void encodeEndpointSlice(core::JsonWriter& out, const core::EndpointSlice& slice);
void encodeNode(core::JsonWriter& out, const core::Node& node);

}  // namespace kipvs::k8s
