#pragma once

// Incremental against from-scratch, for tests that drive a real Daemon (decoder, cache, subscription,
// reconciler) over fake host ports: FakeHost records what the daemon left on the "node" (IPVS table,
// kipvs0 addresses, the firewall after whole specs and element deltas), and differencesFromScratch
// computes the same snapshot from nothing — a fresh Reconciler over an empty fake kernel, computeDesired,
// deriveFirewall — and names every difference. The bus view is translated from the desired state alone
// (bus/publisher.cpp), so equal desired states mean equal D-Bus views.

#include <string>
#include <vector>

#include "../core/fakes.hpp"
#include "app/daemon.hpp"
#include "app/firewall_sync.hpp"
#include "core/cluster.hpp"
#include "core/firewall_spec.hpp"
#include "core/host_ports.hpp"

namespace kipvs::app::testing {

// The node's side of a Daemon: the reconciler's ports, the firewall as FirewallSync's whole specs and
// element deltas left it, the node's addresses. Add `firewallSync` to the daemon's listeners.
class FakeHost {
 public:
  explicit FakeHost(const Config& daemonConfig) : firewallSync(firewallPort_, daemonConfig) {}
  HostPorts ports();
  const core::FirewallSpec& firewall() const { return firewallPort_.spec; }

  core::testing::FakeIpvs ipvs;
  core::testing::FakeAddresses addresses;
  core::testing::FakeConntrack conntrack;
  core::testing::FakeStore store;
  core::testing::FakeStore lastKnownGood;

 private:
  class RecordingFirewall final : public core::FirewallPort {
   public:
    void apply(const core::FirewallSpec& whole) override;
    void update(const core::FirewallDelta& delta) override;
    core::FirewallSpec spec;
  };
  class NodeAddresses final : public core::NodeAddressPort {
   public:
    std::vector<core::IpAddress> localAddresses() override {
      return {*core::IpAddress::parse("192.168.1.10"), *core::IpAddress::parse("fd00:1::10")};
    }
  };
  RecordingFirewall firewallPort_;
  NodeAddresses nodeAddresses_;

 public:
  FirewallSync firewallSync;  // after firewallPort_, which it drives
};

// The snapshot the daemon should have programmed, compared with what it did; empty when all agree.
std::vector<std::string> differencesFromScratch(const Daemon& daemon, const FakeHost& host,
                                                const core::ClusterSnapshot& truth);

// The daemon's cache equals `truth` (Services, joined slices, Node; list resourceVersions aside).
bool sameObjects(const core::ClusterSnapshot& a, const core::ClusterSnapshot& b);

}  // namespace kipvs::app::testing
