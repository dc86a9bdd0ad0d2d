#pragma once

// The firewall's half of the desired state: which service addresses are masqueraded, which keep the
// client's address (externalTrafficPolicy Local), which sources may reach a LoadBalancer, which pods
// need hairpin masquerade, and which addresses the VIP guard covers.

#include "core/desired_state.hpp"
#include "core/firewall_spec.hpp"
#include "core/node_context.hpp"

namespace kipvs::core {

// Entries are sorted and unique, so equal desired states give equal specs.
FirewallSpec deriveFirewall(const DesiredState& desired, const NodeContext& node);

}  // namespace kipvs::core
