#include "core/firewall_derive.hpp"

#include "core/firewall_deriver.hpp"

namespace kipvs::core {

// One mechanism: the from-scratch spec is the incremental deriver's after a full reset, so the two can
// never disagree about what a virtual service contributes.
FirewallSpec deriveFirewall(const DesiredState& desired, const NodeContext& node) {
  FirewallDeriver deriver;
  deriver.reset(desired, node);
  return deriver.spec();
}

}  // namespace kipvs::core
