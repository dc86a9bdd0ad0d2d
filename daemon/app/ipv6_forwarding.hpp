#pragma once

// The post-sync listener that turns net.ipv6.conf.all.forwarding on when the desired state first holds
// an IPv6 virtual service (IPVS NAT to IPv6 pods needs it), and never turns it off: other IPv6 routing
// on the node may rely on it. A failure is logged and tried again after the next sync.

#include "app/sync_listener.hpp"
#include "core/host_ports.hpp"

namespace kipvs::app {

class Ipv6Forwarding final : public SyncListener {
 public:
  explicit Ipv6Forwarding(core::ForwardingPort& forwarding) : forwarding_(forwarding) {}

  std::string synced(const AppliedSync& sync) override;

 private:
  core::ForwardingPort& forwarding_;
  bool on_ = false;
};

}  // namespace kipvs::app
