#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

#include "app/plan.hpp"
#include "core/ipset_save.hpp"
#include "core/kube_proxy_services.hpp"
#include "core/log.hpp"
#include "core/ownership.hpp"
#include "host/dummy_link.hpp"
#include "host/file_state_store.hpp"
#include "host/kube_proxy_node.hpp"
#include "host/local_addresses.hpp"
#include "host/nft_firewall.hpp"
#include "ipvs/netlink_ipvs.hpp"

namespace kipvs::app {
namespace {

template <typename Action>
bool attempt(const std::string& what, Action action) {
  try {
    action();
    return true;
  } catch (const std::exception& error) {
    log::error("cleanup: " + what + ": " + error.what());
    return false;
  }
}

}  // namespace

int runCleanup(const Config& config, std::ostream& out) {
  bool ok = true;
  const auto statePath = config.stateDir / "state";
  host::FileStateStore store(statePath);
  core::OwnershipRecord record;
  ok &= attempt("reading the ownership record " + statePath.string(), [&] {
    if (const auto text = store.load()) {
      record = core::OwnershipRecord::parse(*text);
    }
  });
  host::DummyLink kipvs0;
  std::set<core::IpAddress> bound;
  ok &= attempt("listing kipvs0", [&] {
    const auto listed = kipvs0.addresses();
    bound = {listed.begin(), listed.end()};
  });

  // On the way back to kube-proxy it runs again before this: a virtual service it has taken back (its
  // VIP on kube-ipvs0, or a NodePort in its sets) is its own again and stays.
  host::KubeProxyNode kubeProxyNode;
  core::kubeproxy::ServiceEvidence kubeProxy;
  std::optional<core::IpsetDump> sets;
  attempt("reading kube-proxy's state", [&] {
    if (const auto addresses = kubeProxyNode.kubeIpvs0()) {
      kubeProxy.kubeIpvs0 = {addresses->begin(), addresses->end()};
    }
    if (const auto text = kubeProxyNode.ipsetSave()) {
      sets = core::parseIpsetSave(*text);
      kubeProxy.sets = &*sets;
    }
    const auto node = host::localNodeAddresses();
    kubeProxy.nodeAddresses = {node.begin(), node.end()};
  });

  // The same ownership rule as the daemon's adoption: in the record, or its VIP is on kipvs0.
  ipvs::NetlinkIpvs netlink;
  std::vector<core::IpvsOp> deletions;
  ok &= attempt("listing IPVS", [&] {
    for (const auto& status : netlink.listServices()) {
      const auto& key = status.service.key;
      if (!record.services.contains(key) && !(key.fwmark == 0 && bound.contains(key.address))) {
        continue;
      }
      if (core::kubeproxy::isKubeProxyService(key, kubeProxy)) {
        out << "ipvs: left " << key.toString() << " (kube-proxy's again)\n";
        continue;
      }
      deletions.push_back({.kind = core::IpvsOp::Kind::DeleteService, .service = status.service, .real = {}});
    }
  });
  const auto results = deletions.empty() ? std::vector<int>{} : netlink.apply(deletions);
  for (std::size_t i = 0; i < deletions.size(); ++i) {
    const auto name = deletions[i].service.key.toString();
    if (results[i] == 0 || results[i] == ENOENT || results[i] == ESRCH) {
      out << "ipvs: deleted " << name << "\n";
    } else {
      ok = false;
      log::error("cleanup: deleting " + name + ": " + std::strerror(results[i]));
    }
  }
  if (attempt("deleting kipvs0", [&] { kipvs0.destroy(); })) {
    out << "kipvs0: deleted\n";
  } else {
    ok = false;
  }
  if (attempt("deleting table inet kipvs", [] { host::NftFirewall().remove(); })) {
    out << "nft: deleted table inet kipvs\n";
  } else {
    ok = false;
  }
  for (const auto& file : {statePath, lastKnownGoodPath(config)}) {
    std::error_code error;
    if (std::filesystem::remove(file, error)) {
      out << "state: removed " << file.string() << "\n";
    } else if (error) {
      ok = false;
      log::error("cleanup: removing " + file.string() + ": " + error.message());
    }
  }
  out << (ok ? "# cleanup complete: nothing of kipvs's is left\n"
             : "# cleanup incomplete (see the errors)\n");
  return ok ? 0 : 1;
}

}  // namespace kipvs::app
