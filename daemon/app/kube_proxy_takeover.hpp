#pragma once

// `takeover = kube-proxy`: kipvsd replaces kube-proxy's IPVS mode on a live node without dropping a
// connection. Three moments:
//   1. adopted() — after the kernel's state is adopted, before anything is written: kube-proxy's virtual
//      services (core/kube_proxy_services.hpp) become kipvs's own and the ownership record says a
//      takeover is pending. The first full sync then reconciles them in place (a live Service's virtual
//      service is edited, never removed and re-added) and deletes the stale ones, and adds every VIP to
//      kipvs0 while it is still on kube-ipvs0.
//   2. fullSyncApplied() — once the sync is applied and the `inet kipvs` table is in place: each VIP
//      leaves kube-ipvs0 only when it is on kipvs0 (or no Service wants it), kube-ipvs0 is deleted when
//      empty; then kube-proxy's iptables chains, their jumps and its ipsets are removed
//      (core/kube_proxy_cleanup.hpp) in every iptables front end installed (nft and legacy, v4 and v6).
//   3. finished — nothing of kube-proxy's is left: the pending mark leaves the record. Until then each
//      full sync tries again, and a restart resumes from the record.
// What it does not touch: conntrack entries (existing flows keep their NAT and IPVS connection entries,
// so they need none), kube-proxy's sysctls (kipvsd sets its own), and anything that is not kube-proxy's.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/sync_listener.hpp"
#include "core/ip_address.hpp"
#include "core/ipset_save.hpp"
#include "core/iptables_save.hpp"
#include "core/kube_proxy_cleanup.hpp"
#include "core/kube_proxy_port.hpp"
#include "core/kube_proxy_services.hpp"
#include "core/ports.hpp"
#include "core/reconciler.hpp"

namespace kipvs::app {

using KubeProxyHost = core::KubeProxyPort;

// What of kube-proxy's is on the node now.
struct KubeProxyState {
  std::optional<std::set<core::IpAddress>> kubeIpvs0;  // nullopt: no kube-ipvs0
  std::optional<core::IpsetDump> sets;                 // nullopt: no ipset listing
  std::vector<std::pair<std::string, std::vector<core::kubeproxy::TableCleanup>>> iptables;  // per backend
  std::vector<std::string> ipsets;  // kube-proxy's sets to destroy
  std::vector<std::string> errors;  // what could not be read, one sentence each

  bool present() const;  // anything of kube-proxy's left to remove
};

KubeProxyState observeKubeProxy(KubeProxyHost& host);

// A SyncListener, added after the firewall's (FirewallSync).
class KubeProxyTakeover final : public SyncListener {
 public:
  using NodeAddresses = std::function<std::vector<core::IpAddress>()>;
  using FirewallInPlace = std::function<bool()>;
  KubeProxyTakeover(KubeProxyHost& host, core::AddressPort& kipvs0, NodeAddresses nodeAddresses,
                    FirewallInPlace firewallInPlace)
      : host_(host),
        kipvs0_(kipvs0),
        nodeAddresses_(std::move(nodeAddresses)),
        firewallInPlace_(std::move(firewallInPlace)) {}

  // Between Daemon::start() and the first sync.
  void adopted(core::Reconciler& reconciler);
  // `firewallInPlace`: kipvs's firewall holds the desired spec (kube-proxy's rules go only after).
  void fullSyncApplied(core::Reconciler& reconciler, bool firewallInPlace);

  // SyncListener: after each full sync, once adopted() ran.
  std::string synced(const AppliedSync& sync) override;

 private:
  // Each returns false when something is left for the next try (and logs why).
  bool moveVips(const core::Reconciler& reconciler);
  bool removeRules(const KubeProxyState& state);
  bool removeSets(const KubeProxyState& state);

  KubeProxyHost& host_;
  core::AddressPort& kipvs0_;
  NodeAddresses nodeAddresses_;
  FirewallInPlace firewallInPlace_;
  core::Reconciler* reconciler_ = nullptr;  // set by adopted()
};

}  // namespace kipvs::app
