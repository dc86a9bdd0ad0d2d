#pragma once

// The post-sync listener that keeps the kipvs nftables table at the desired state: the whole spec after
// a full sync or after a failure, element changes (O(change)) after an incremental one.

#include "app/config.hpp"
#include "app/sync_listener.hpp"
#include "core/firewall_deriver.hpp"
#include "core/host_ports.hpp"

namespace kipvs::app {

class FirewallSync final : public SyncListener {
 public:
  // `config` is the daemon's (Daemon::config()), read at each sync: a reload takes effect at once.
  FirewallSync(core::FirewallPort& firewall, const Config& config) : firewall_(firewall), config_(config) {}

  std::string synced(const AppliedSync& sync) override;
  // The table holds the desired spec (the last sync's firewall step succeeded).
  bool inPlace() const { return current_; }

 private:
  core::FirewallPort& firewall_;
  const Config& config_;
  core::FirewallDeriver deriver_;
  bool current_ = false;  // the firewall holds deriver_'s spec (else the next sync applies it whole)
};

}  // namespace kipvs::app
