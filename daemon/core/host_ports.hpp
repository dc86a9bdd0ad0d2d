#pragma once

// Host interfaces the daemon drives besides the reconciler's (core/ports.hpp): the firewall, the node's
// addresses and IPv6 forwarding. Adaptors in host/ and app/runtime.cpp implement them; tests fake them.

#include <vector>

#include "core/firewall_deriver.hpp"
#include "core/ip_address.hpp"

namespace kipvs::core {

// The kipvs nftables table (host::NftFirewall).
class FirewallPort {
 public:
  virtual ~FirewallPort() = default;
  virtual void apply(const FirewallSpec& spec) = 0;  // the whole spec; the port diffs it against its table
  // Element changes after a successful apply (O(change)); throws when the table cannot take them.
  virtual void update(const FirewallDelta& delta) = 0;
};

// The node's own addresses: the NodePort candidates (the dummy link kipvs0 excluded).
class NodeAddressPort {
 public:
  virtual ~NodeAddressPort() = default;
  virtual std::vector<IpAddress> localAddresses() = 0;
};

// net.ipv6.conf.all.forwarding: IPVS NAT to IPv6 pods un-NATs replies in the forward path.
class ForwardingPort {
 public:
  virtual ~ForwardingPort() = default;
  virtual void enableIpv6Forwarding() = 0;
};

}  // namespace kipvs::core
