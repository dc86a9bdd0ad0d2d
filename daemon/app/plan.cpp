#include "app/plan.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "app/cluster_source.hpp"
#include "app/daemon.hpp"
#include "app/dry_run.hpp"
#include "app/event_loop.hpp"
#include "app/firewall_sync.hpp"
#include "app/ipv6_forwarding.hpp"
#include "app/kube_proxy_takeover.hpp"
#include "core/host_ports.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "host/dummy_link.hpp"
#include "host/file_state_store.hpp"
#include "host/kube_proxy_node.hpp"
#include "host/local_addresses.hpp"
#include "ipvs/netlink_ipvs.hpp"

namespace kipvs::app {
namespace {

constexpr std::chrono::seconds kSnapshotTimeout{60};

std::string firewallSummary(const core::FirewallSpec& spec) {
  return "ensure table inet kipvs: " + std::to_string(spec.clusterIps.size()) + " ClusterIP, " +
         std::to_string(spec.external.size()) + " external, " + std::to_string(spec.externalLocal.size()) +
         " external (local) entries, " + std::to_string(spec.guardedAddresses.size()) + " guarded addresses";
}

void print(const Config& config, const PlanLog& log, bool json, std::ostream& out) {
  const std::string takeover = config.takeover == TakeoverKind::KubeProxy ? "kube-proxy" : "none";
  if (json) {
    core::JsonWriter writer(out);
    writer.beginObject()
        .field("node", config.nodeName)
        .field("takeover", takeover)
        .key("changes")
        .beginArray();
    for (const auto& change : log) {
      writer.beginObject().field("area", change.area).field("change", change.change).endObject();
    }
    writer.endArray().endObject();
    out << "\n";
    return;
  }
  out << "# kipvsd --plan: node " << config.nodeName << ", takeover " << takeover
      << "; nothing was changed\n";
  for (const auto& change : log) {
    out << change.area << ": " << change.change << "\n";
  }
  out << "# " << log.size() << " changes\n";
}

// The plan never restores a saved state: it shows what the source says now.
class NoLastKnownGood final : public core::StateStore {
 public:
  std::optional<std::string> load() override { return std::nullopt; }
  void save(std::string_view /*text*/) override {}
};

class NodeAddresses final : public core::NodeAddressPort {
 public:
  std::vector<core::IpAddress> localAddresses() override { return host::localNodeAddresses(); }
};

class DryRunForwarding final : public core::ForwardingPort {
 public:
  explicit DryRunForwarding(PlanLog& log) : log_(log) {}
  void enableIpv6Forwarding() override {
    log_.push_back({.area = "sysctl", .change = "net.ipv6.conf.all.forwarding = 1 (if off)"});
  }

 private:
  PlanLog& log_;
};

class DryRunFirewall final : public core::FirewallPort {
 public:
  explicit DryRunFirewall(PlanLog& log) : log_(log) {}
  void apply(const core::FirewallSpec& spec) override {
    log_.push_back({.area = "nft", .change = firewallSummary(spec)});
  }
  void update(const core::FirewallDelta& /*delta*/) override {}

 private:
  PlanLog& log_;
};

// Ends the plan after the first full sync (and the listeners before it) ran.
class FirstFullSync final : public SyncListener {
 public:
  explicit FirstFullSync(std::function<void()> done) : done_(std::move(done)) {}
  std::string synced(const AppliedSync& sync) override {
    if (sync.full && done_) {
      std::exchange(done_, {})();
    }
    return {};
  }

 private:
  std::function<void()> done_;
};

}  // namespace

int runPlan(const Config& config, bool json, std::ostream& out) {
  PlanLog log;
  EventLoop loop;
  ipvs::NetlinkIpvs netlink;
  DryRunIpvs ipvs(netlink, log);
  host::DummyLink kipvs0;
  DryRunAddresses addresses(kipvs0.addresses(), log);
  DryRunConntrack conntrack(log);
  host::FileStateStore realStore(config.stateDir / "state");
  DryRunStore store(realStore, log);
  NoLastKnownGood lastKnownGood;
  NodeAddresses nodeAddresses;
  core::SteadyClock clock;

  Daemon daemon(config, loop,
                HostPorts{.ipvs = ipvs,
                          .addresses = addresses,
                          .conntrack = conntrack,
                          .store = store,
                          .nodeAddresses = nodeAddresses,
                          .lastKnownGood = lastKnownGood},
                clock);
  // The same listeners as kipvsd's that change the host, over dry-run ports; then the end of the plan.
  DryRunForwarding forwarding(log);
  Ipv6Forwarding ipv6Forwarding(forwarding);
  DryRunFirewall firewall(log);
  FirewallSync firewallSync(firewall, daemon.config());
  daemon.addListener(ipv6Forwarding);
  daemon.addListener(firewallSync);
  host::KubeProxyNode kubeProxyNode;
  DryRunKubeProxy kubeProxy(kubeProxyNode, log);
  KubeProxyTakeover takeover(
      kubeProxy, addresses, [] { return host::localNodeAddresses(); },
      [&firewallSync] { return firewallSync.inPlace(); });
  if (config.takeover == TakeoverKind::KubeProxy) {
    daemon.addListener(takeover);
  }
  int status = 1;
  FirstFullSync done([&] {
    status = 0;
    loop.exit(0);
  });
  daemon.addListener(done);
  auto timeout = loop.makeTimer([&] {
    log::error("plan: no complete snapshot from the source after " +
               std::to_string(kSnapshotTimeout.count()) + " s; nothing planned");
    loop.exit(1);
  });
  timeout->armIn(kSnapshotTimeout);

  k8s::EventQueue queue([&] {
    loop.post([&] {
      for (auto& event : queue.drain()) {
        daemon.handle(std::move(event));
      }
    });
  });
  ClusterSource source(config, [&](k8s::SourceEvent&& event) { queue.push(std::move(event)); });
  daemon.start();
  if (config.takeover == TakeoverKind::KubeProxy) {
    takeover.adopted(daemon.reconciler());
  }
  source.start();
  loop.run();
  source.stop();
  if (status == 0) {
    print(config, log, json, out);
  }
  return status;
}

}  // namespace kipvs::app
