#pragma once

// Explain(vip, port, protocol) for the D-Bus API: the Service that owns a virtual service, recomputed
// with every endpoint's verdict, in the ControlPort's terms.

#include <optional>

#include "core/cluster.hpp"
#include "core/control_port.hpp"
#include "core/desired_state.hpp"
#include "core/node_context.hpp"

namespace kipvs::core {

// nullopt when `key` is not a desired virtual service (or its Service left the snapshot).
std::optional<Explanation> explainVirtualService(const ClusterSnapshot& snapshot, const NodeContext& node,
                                                 const DesiredState& desired, const VirtualServiceKey& key);

}  // namespace kipvs::core
