#include "app/runtime.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <system_error>

#include "app/bus_view.hpp"
#include "app/cluster_source.hpp"
#include "app/control.hpp"
#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "app/firewall_sync.hpp"
#include "app/ipv6_forwarding.hpp"
#include "app/journal.hpp"
#include "app/kube_proxy_takeover.hpp"
#include "app/metrics_endpoint.hpp"
#include "app/metrics_page.hpp"
#include "app/metrics_recorder.hpp"
#include "app/node_http.hpp"
#include "app/status_line.hpp"
#include "bus/bus_pump.hpp"
#include "bus/caller_policy.hpp"
#include "bus/publisher.hpp"
#include "dbus/bus_names.hpp"
#include "host/conntrack_flush.hpp"
#include "host/dummy_link.hpp"
#include "host/file_state_store.hpp"
#include "host/kube_proxy_node.hpp"
#include "host/local_addresses.hpp"
#include "host/nft_firewall.hpp"
#include "host/sysctls.hpp"
#include "http/server.hpp"
#include "ipvs/netlink_ipvs.hpp"

namespace kipvs::app {
namespace {

void applyKernelSettings(const Config& config, ipvs::NetlinkIpvs& netlink) {
  const host::KernelSettings settings{.strictArp = config.strictArp,
                                      .timeouts = {.tcp = config.tcpTimeoutSeconds,
                                                   .tcpFin = config.tcpFinTimeoutSeconds,
                                                   .udp = config.udpTimeoutSeconds}};
  const auto changes = host::applyKernelSettings(
      host::Sysctls(), settings, host::KernelVersion::running(), [&](const host::IpvsTimeouts& t) {
        netlink.setTimeouts({.tcp = t.tcp, .tcpFin = t.tcpFin, .udp = t.udp});
      });
  for (const auto& change : changes) {
    log::info("sysctl " + change.key + ": " + change.before + " -> " + change.after);
  }
}

// IPVS NAT to IPv6 pods un-NATs replies in the forward path: kipvsd turns forwarding on when it first
// programs an IPv6 virtual service (app/ipv6_forwarding.hpp), and leaves it on.
class SysctlForwarding final : public core::ForwardingPort {
 public:
  void enableIpv6Forwarding() override {
    constexpr const char* kKey = "net/ipv6/conf/all/forwarding";
    const host::Sysctls sysctls;
    const auto before = sysctls.read(kKey);
    if (before != "1") {
      sysctls.write(kKey, "1");
      log::info(
          std::string("sysctl ") + kKey + ": " + before + " -> 1 (IPv6 virtual services are programmed)",
          {{"KIPVS_SYSCTL", kKey}});
    }
  }
};

class NetlinkNodeAddresses final : public core::NodeAddressPort {
 public:
  std::vector<core::IpAddress> localAddresses() override { return host::localNodeAddresses(); }
};

// READY=1 once the first state is published, the bus name requested just before it; STATUS= after.
class SystemdAnnouncements final : public StatusAnnouncements {
 public:
  SystemdAnnouncements(sdbus::IConnection* connection, bus::SdbusPublisher* publisher)
      : connection_(connection), publisher_(publisher) {}
  void ready(const std::string& line) override {
    if (publisher_ != nullptr) {
      publisher_->goLive();  // per-service signals from now on: the name is about to be owned
    }
    if (connection_ != nullptr) {
      connection_->requestName(dbus::kBusName);  // last, once the first state is published
    }
    notify::ready(line);
  }
  void status(const std::string& line) override { notify::status(line); }

 private:
  sdbus::IConnection* connection_;
  bus::SdbusPublisher* publisher_;
};

std::unique_ptr<sdbus::IConnection> connectBus(BusKind kind) {
  switch (kind) {
    case BusKind::System:
      return sdbus::createSystemBusConnection();
    case BusKind::Session:
      return sdbus::createSessionBusConnection();
    case BusKind::None:
      return nullptr;
  }
  return nullptr;
}

// Re-reads the configuration and applies it without touching traffic. Keys a reload cannot apply keep
// their running value and are reported (returned, and logged); a refused configuration leaves the
// running one and throws ControlError(InvalidArgument) with every problem.
std::vector<std::string> reloadConfiguration(Daemon& daemon, ClusterSource& source,
                                             const std::function<LoadedConfig()>& reloadConfig) {
  const bool ready = daemon.status().ready || daemon.status().readyTimedOut;  // READY=1 was sent
  if (ready) {
    notify::reloading("reloading configuration");
  }
  auto loaded = reloadConfig();
  std::vector<std::string> pending;
  if (loaded.config) {
    auto next = std::move(*loaded.config);
    const auto running = describeConfig(daemon.config());
    const auto wanted = describeConfig(next);
    for (const auto& key : restartOnlyChanges(daemon.config(), next)) {
      const auto valueIn = [&key](const std::vector<ConfigEntry>& entries) {
        return std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.key == key; })
            ->value;
      };
      const auto was = valueIn(running);
      pending.push_back(key + ": \"" + was + "\" -> \"" + valueIn(wanted) +
                        "\" needs a restart (systemctl restart kipvsd); still \"" + was + "\"");
      applyConfigOverride(next, key + "=" + was);  // keep the running value until then
    }
    for (const auto& note : pending) {
      log::warning("reload: " + note, {{"KIPVS_RESTART_PENDING", note.substr(0, note.find(':'))}});
    }
    log::setLevel(next.logLevel);
    daemon.reload(std::move(next));
    source.rescan();
    log::notice(
        "configuration reloaded" +
        (pending.empty() ? std::string() : "; " + std::to_string(pending.size()) + " key(s) need a restart"));
  }
  if (ready) {
    notify::ready(daemon.statusLine());
  } else {
    notify::status(daemon.statusLine());
  }
  if (!loaded.config) {
    std::string reason;
    for (const auto& error : loaded.errors) {
      log::error("reload refused: " + error.toString());
      reason += (reason.empty() ? "" : "; ") + error.toString();
    }
    throw core::ControlError(core::ControlError::Code::InvalidArgument,
                             "configuration refused, the running one stays: " + reason);
  }
  return pending;
}

}  // namespace

int runKipvsd(const Config& config, std::function<LoadedConfig()> reloadConfig) {
  EventLoop loop;
  ipvs::NetlinkIpvs netlink;
  applyKernelSettings(config, netlink);
  host::DummyLink link;
  link.ensure();
  host::NetlinkConntrack conntrack;
  host::FileStateStore store(config.stateDir / "state");
  host::FileStateStore lastKnownGood(lastKnownGoodPath(config));
  host::NftFirewall firewall;
  core::SteadyClock clock;

  NetlinkNodeAddresses nodeAddresses;
  SysctlForwarding forwarding;

  Daemon daemon(config, loop,
                HostPorts{.ipvs = netlink,
                          .addresses = link,
                          .conntrack = conntrack,
                          .store = store,
                          .nodeAddresses = nodeAddresses,
                          .lastKnownGood = lastKnownGood},
                clock);
  // The post-sync listeners, in order: the host first, then what shows the result.
  Ipv6Forwarding ipv6Forwarding(forwarding);
  FirewallSync firewallSync(firewall, daemon.config());
  daemon.addListener(ipv6Forwarding);
  daemon.addListener(firewallSync);
  // takeover = kube-proxy: after the firewall (kube-proxy's rules go only once kipvs's are in place).
  std::unique_ptr<host::KubeProxyNode> kubeProxyNode;
  std::unique_ptr<KubeProxyTakeover> takeover;
  if (config.takeover == TakeoverKind::KubeProxy) {
    kubeProxyNode = std::make_unique<host::KubeProxyNode>();
    takeover = std::make_unique<KubeProxyTakeover>(
        *kubeProxyNode, link, [] { return host::localNodeAddresses(); },
        [&firewallSync] { return firewallSync.inPlace(); });
    daemon.addListener(*takeover);
  }
  NodeHttp nodeHttp(daemon, loop);  // /healthz, /livez and the Service health-check ports
  daemon.addListener(nodeHttp);

  // kipvsd's HTTP server on the loop; Prometheus /metrics listens on it (kube-proxy's metrics server).
  MetricsRecorder metricsRecorder;
  daemon.addListener(metricsRecorder);
  const auto metricsRegistry = makeMetricsRegistry(daemon, metricsRecorder, netlink, dbus::kVersion);
  http::HttpServer httpServer(loop.raw());
  if (!config.metricsBindAddress.empty()) {
    try {
      httpServer.listen(*http::ListenAddress::parse(config.metricsBindAddress),
                        metricsRouter(*metricsRegistry));
      log::info("serving /metrics on " + config.metricsBindAddress);
    } catch (const std::system_error& error) {
      log::error("cannot serve /metrics on " + config.metricsBindAddress + ": " + error.what() +
                     "; kipvsd runs without it",
                 {{"ERRNO", std::to_string(error.code().value())}});
    }
  }

  DaemonControl control(daemon, netlink, clock, &link);
  auto connection = connectBus(config.bus);
  std::unique_ptr<bus::SdbusPublisher> publisher;
  std::unique_ptr<BusView> view;
  std::unique_ptr<bus::BusPump> pump;
  if (connection) {
    publisher = std::make_unique<bus::SdbusPublisher>(
        *connection, control, bus::CallerPolicy::withGroupNamed(dbus::kAdminGroup), dbus::kVersion);
    view = std::make_unique<BusView>(*publisher, daemon);
    daemon.addListener(*view);
    pump = std::make_unique<bus::BusPump>(*connection);
    loop.watchPollable(
        pump->pollData().fd,
        [&] {
          const auto wait = pump->pollData();
          return EventLoop::PollWish{.events = wait.events, .timeoutMs = wait.timeoutMs};
        },
        [&] { pump->dispatch(); });
  }
  SystemdAnnouncements announcements(connection.get(), publisher.get());
  StatusLine statusLine(announcements);
  daemon.addListener(statusLine);

  k8s::EventQueue queue([&] {
    loop.post([&] {
      for (auto& event : queue.drain()) {
        if (event.type != k8s::SourceEvent::Type::Failure) {
          nodeHttp.changeQueued();
        }
        daemon.handle(std::move(event));
      }
    });
  });
  ClusterSource source(config, [&](k8s::SourceEvent&& event) { queue.push(std::move(event)); });

  loop.onSignal(SIGTERM, [&] {
    notify::stopping("stopping; the kernel stays programmed");
    loop.exit(0);
  });
  loop.onSignal(SIGINT, [&] { loop.exit(0); });
  auto reload = [&] { return reloadConfiguration(daemon, source, reloadConfig); };
  control.setReload(reload);
  loop.onSignal(SIGHUP, [&] {
    try {
      reload();
    } catch (const core::ControlError&) {
      // Logged; the running configuration stays. `systemctl reload` uses kipvsctl reload to see it.
    }
  });
  loop.enableWatchdog();

  daemon.start();
  if (takeover) {
    takeover->adopted(daemon.reconciler());  // before the first sync: nothing is written yet
  }
  notify::status(daemon.statusLine());
  source.start();
  const int result = loop.run();
  source.stop();
  daemon.stop();
  if (const auto& fatal = loop.fatalError()) {
    notify::status("failed: " + *fatal + "; the kernel stays as programmed");
    log::error("kipvsd stopped on an unrecoverable error (exit code " + std::to_string(result) +
               "): " + *fatal + "; IPVS, kipvs0 and the firewall stay as programmed");
    return result;
  }
  log::notice("kipvsd stopped; IPVS, kipvs0 and the firewall stay as programmed");
  return result;
}

}  // namespace kipvs::app
