#include "app/kube_proxy_takeover.hpp"

#include "core/log.hpp"

namespace kipvs::app {
namespace {

namespace kp = core::kubeproxy;

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    text += (text.empty() ? "" : " ") + word;
  }
  return text;
}

template <typename Action>
bool attempt(const std::string& what, Action action) {
  try {
    action();
    return true;
  } catch (const std::exception& error) {
    log::warning("takeover kube-proxy: " + what + ": " + error.what() +
                 " (tried again after the next full sync)");
    return false;
  }
}

}  // namespace

bool KubeProxyState::present() const {
  if (kubeIpvs0 || !ipsets.empty()) {
    return true;
  }
  for (const auto& [backend, tables] : iptables) {
    if (!tables.empty()) {
      return true;
    }
  }
  return false;
}

KubeProxyState observeKubeProxy(KubeProxyHost& host) {
  KubeProxyState state;
  try {
    if (auto addresses = host.kubeIpvs0()) {
      state.kubeIpvs0 = std::set<core::IpAddress>(addresses->begin(), addresses->end());
    }
  } catch (const std::exception& error) {
    state.errors.push_back(std::string("reading ") + std::string(kp::kDummyLinkName) + ": " + error.what());
  }
  for (const auto& backend : host.iptablesBackends()) {
    try {
      state.iptables.emplace_back(
          backend, kp::planIptablesCleanup(core::parseIptablesSave(host.iptablesSave(backend))));
    } catch (const std::exception& error) {
      state.errors.push_back("reading " + backend + " rules: " + error.what());
    }
  }
  try {
    if (const auto text = host.ipsetSave()) {
      state.sets = core::parseIpsetSave(*text);
      std::vector<std::string> names;
      for (const auto& [name, set] : *state.sets) {
        names.push_back(name);
      }
      state.ipsets = kp::planIpsetCleanup(names);
    }
  } catch (const std::exception& error) {
    state.errors.push_back(std::string("reading ipsets: ") + error.what());
  }
  return state;
}

std::string KubeProxyTakeover::synced(const AppliedSync& sync) {
  if (sync.full && reconciler_ != nullptr) {
    fullSyncApplied(*reconciler_, firewallInPlace_());
  }
  return {};  // what is left is retried after the next full sync; it does not degrade the sync
}

void KubeProxyTakeover::adopted(core::Reconciler& reconciler) {
  reconciler_ = &reconciler;
  const auto state = observeKubeProxy(host_);
  for (const auto& error : state.errors) {
    log::warning("takeover kube-proxy: " + error);
  }
  if (!state.present() && !reconciler.takeoverPending()) {
    log::info("takeover kube-proxy: nothing of kube-proxy's IPVS mode on this node");
    return;
  }
  std::vector<core::VirtualServiceKey> kernel;
  for (const auto& [key, unused] : reconciler.applied()) {
    kernel.push_back(key);
  }
  std::vector<core::IpAddress> nodeAddresses;
  try {
    nodeAddresses = nodeAddresses_();
  } catch (const std::exception& error) {
    log::warning(
        std::string("takeover kube-proxy: cannot list the node's addresses, NodePorts are not adopted: ") +
        error.what());
  }
  const kp::ServiceEvidence evidence{.kubeIpvs0 = state.kubeIpvs0.value_or(std::set<core::IpAddress>{}),
                                     .nodeAddresses = {nodeAddresses.begin(), nodeAddresses.end()},
                                     .sets = state.sets ? &*state.sets : nullptr};
  const auto services = kp::kubeProxyServices(kernel, evidence);
  std::vector<std::string> errors;
  const bool resuming = reconciler.takeoverPending();
  reconciler.adoptForTakeover(services, errors);
  for (const auto& error : errors) {
    log::error("takeover kube-proxy: " + error);
  }
  log::notice(std::string("takeover kube-proxy: ") + (resuming ? "resuming; " : "") + "adopted " +
                  std::to_string(services.size()) + " of kube-proxy's virtual services; " +
                  std::to_string(evidence.kubeIpvs0.size()) + " VIPs on kube-ipvs0 move to kipvs0; " +
                  std::to_string(state.ipsets.size()) + " ipsets to destroy",
              {{"KIPVS_TAKEOVER", "kube-proxy"}, {"KIPVS_ADOPTED", std::to_string(services.size())}});
}

void KubeProxyTakeover::fullSyncApplied(core::Reconciler& reconciler, bool firewallInPlace) {
  if (!reconciler.takeoverPending()) {
    return;
  }
  if (!firewallInPlace) {
    log::warning(
        "takeover kube-proxy: kipvs's firewall is not in place yet; kube-proxy's rules stay until it is");
    return;
  }
  if (!moveVips(reconciler)) {
    return;
  }
  const auto state = observeKubeProxy(host_);
  for (const auto& error : state.errors) {
    log::warning("takeover kube-proxy: " + error + " (tried again after the next full sync)");
  }
  // Sets go after the rules that reference them; a failure leaves the rest for the next full sync.
  if (!removeRules(state) || !removeSets(state) || !state.errors.empty()) {
    return;
  }
  std::vector<std::string> errors;
  reconciler.finishTakeover(errors);
  for (const auto& error : errors) {
    log::error("takeover kube-proxy: " + error);
  }
  if (errors.empty()) {
    log::notice("takeover kube-proxy: complete; nothing of kube-proxy's IPVS mode is left on this node",
                {{"KIPVS_TAKEOVER", "complete"}});
  }
}

bool KubeProxyTakeover::moveVips(const core::Reconciler& reconciler) {
  std::optional<std::vector<core::IpAddress>> onKubeIpvs0;
  std::vector<core::IpAddress> onKipvs0;
  if (!attempt("listing VIPs", [&] {
        onKubeIpvs0 = host_.kubeIpvs0();
        onKipvs0 = kipvs0_.listAddresses();
      })) {
    return false;
  }
  if (!onKubeIpvs0) {
    return true;
  }
  const auto move = kp::planVipMove({onKubeIpvs0->begin(), onKubeIpvs0->end()},
                                    {onKipvs0.begin(), onKipvs0.end()}, reconciler.desired().boundAddresses);
  bool ok = true;
  for (const auto& address : move.remove) {
    ok &= attempt("removing " + address.toString() + " from kube-ipvs0",
                  [&] { host_.removeFromKubeIpvs0(address); });
  }
  for (const auto& address : move.waiting) {
    log::warning("takeover kube-proxy: " + address.toString() +
                 " stays on kube-ipvs0 until it is on kipvs0 (tried again after the next full sync)");
  }
  if (!ok || !move.deleteLink) {
    return false;
  }
  if (!attempt("deleting kube-ipvs0", [&] { host_.deleteKubeIpvs0(); })) {
    return false;
  }
  log::info("takeover kube-proxy: " + std::to_string(move.remove.size()) +
            " VIPs moved off kube-ipvs0; kube-ipvs0 deleted");
  return true;
}

bool KubeProxyTakeover::removeRules(const KubeProxyState& state) {
  bool ok = true;
  for (const auto& [backend, tables] : state.iptables) {
    for (const auto& table : tables) {
      std::vector<std::string> kept;
      for (const auto& chain : table.kept) {
        kept.push_back(chain.chain + " (referenced from " + chain.referencedFrom + ")");
      }
      const bool removed = attempt(backend + " table " + table.table,
                                   [&] { host_.iptablesRestore(backend, table.restoreScript()); });
      ok &= removed;
      if (removed) {
        log::info("takeover kube-proxy: " + backend + " " + table.table + ": removed " +
                  std::to_string(table.jumps.size()) + " jumps and chains " + joined(table.chains) +
                  (kept.empty() ? "" : "; flushed but kept " + joined(kept)));
      }
    }
  }
  return ok;
}

bool KubeProxyTakeover::removeSets(const KubeProxyState& state) {
  bool ok = true;
  for (const auto& name : state.ipsets) {
    ok &= attempt("destroying ipset " + name, [&] { host_.ipsetDestroy(name); });
  }
  if (ok && !state.ipsets.empty()) {
    log::info("takeover kube-proxy: destroyed ipsets " + joined(state.ipsets));
  }
  return ok;
}

}  // namespace kipvs::app
