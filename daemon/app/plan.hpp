#pragma once

// `kipvsd --plan` and `kipvsd --cleanup`.
//
// --plan runs the daemon's own start-up and first full sync (including a configured takeover) against
// the real kernel and source, through the dry-run ports of dry_run.hpp: it prints every change that
// start would make — IPVS operations, kipvs0 and kube-ipvs0 addresses, the nftables table, kube-proxy's
// iptables rules and ipsets, the ownership record — and changes nothing. Sysctls are not listed.
//
// --cleanup removes what kipvs owns and nothing else: the virtual services in its ownership record (or
// on kipvs0), kipvs0, the `inet kipvs` table and its state files. Stop kipvsd first: a running daemon
// would program them again. On the way back to kube-proxy, a virtual service kube-proxy has taken back
// (its VIP on kube-ipvs0, a NodePort in its sets) stays: it is kube-proxy's again.

#include <ostream>

#include "app/config.hpp"

namespace kipvs::app {

// Exit status: 0 with the plan printed; 1 when the source delivered no complete snapshot in time or the
// node could not be read.
int runPlan(const Config& config, bool json, std::ostream& out);

// Exit status: 0 when everything kipvs owns is gone; 1 when something could not be removed (said on
// stderr; the rest is still removed).
int runCleanup(const Config& config, std::ostream& out);

}  // namespace kipvs::app
