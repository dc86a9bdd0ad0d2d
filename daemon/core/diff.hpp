#pragma once

// The plan: the minimal ordered IPVS operations (and kipvs0 address changes) that turn what the kernel
// has into what is desired. Pure; graceful termination is applied on top by the reconciler.

#include <map>
#include <set>
#include <vector>

#include "core/desired_state.hpp"
#include "core/ipvs_port.hpp"

namespace kipvs::core {

struct ObservedVirtualService {
  VirtualService service;
  std::vector<RealServer> reals;  // counters are not kept: read fresh when needed

  bool operator==(const ObservedVirtualService&) const = default;
};

using ObservedState = std::map<VirtualServiceKey, ObservedVirtualService>;

// Equality as the diff sees it: kHashed ignored.
bool sameAttributes(const VirtualService& a, const VirtualService& b);
bool sameAttributes(const RealServer& a, const RealServer& b);

// Ops for one key. `observed` or `desired` may be null. A virtual service that is observed but not
// desired is deleted only when `owned`; a desired one is always reconciled (and thereby adopted).
// Order: AddService|EditService, then AddReal, EditReal, DeleteReal (new backends before old ones
// go), each in (address, port) order; or a lone DeleteService.
void diffVirtualService(const ObservedVirtualService* observed, const DesiredVirtualService* desired,
                        bool owned, std::vector<IpvsOp>& out);

// The whole plan: every DeleteService first (key order), then each desired key in order.
std::vector<IpvsOp> diff(const ObservedState& observed, const DesiredState& desired,
                         const std::set<VirtualServiceKey>& owned);

// The plan restricted to `keys` (the incremental path).
std::vector<IpvsOp> diff(const ObservedState& observed, const DesiredState& desired,
                         const std::set<VirtualServiceKey>& owned, const std::set<VirtualServiceKey>& keys);

// What the kernel holds after `op` succeeded: the reconciler's view of its own changes (and a fake's).
void applyToObserved(ObservedState& state, const IpvsOp& op);

// Addresses on kipvs0: every address there is kipvs's (the link is its own).
struct AddressPlan {
  std::vector<IpAddress> add;
  std::vector<IpAddress> remove;

  bool empty() const { return add.empty() && remove.empty(); }
  bool operator==(const AddressPlan&) const = default;
};

AddressPlan diffAddresses(const std::set<IpAddress>& observed, const std::set<IpAddress>& desired);

}  // namespace kipvs::core
