#include "app/runtime.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <csignal>
#include <memory>

#include "app/control.hpp"
#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "app/journal.hpp"
#include "bus/bus_pump.hpp"
#include "bus/caller_policy.hpp"
#include "bus/publisher.hpp"
#include "dbus/bus_names.hpp"
#include "host/conntrack_flush.hpp"
#include "host/dummy_link.hpp"
#include "host/file_state_store.hpp"
#include "host/local_addresses.hpp"
#include "host/nft_firewall.hpp"
#include "host/sysctls.hpp"
#include "ipvs/netlink_ipvs.hpp"
#include "k8s/config.hpp"
#include "k8s/kube_source.hpp"
#include "k8s/static_source.hpp"

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
// programs an IPv6 virtual service, and leaves it on.
void enableIpv6Forwarding() {
  constexpr const char* kKey = "net/ipv6/conf/all/forwarding";
  const host::Sysctls sysctls;
  const auto before = sysctls.read(kKey);
  if (before != "1") {
    sysctls.write(kKey, "1");
    log::info(std::string("sysctl ") + kKey + ": " + before + " -> 1 (IPv6 virtual services are programmed)",
              {{"KIPVS_SYSCTL", kKey}});
  }
}

// Feeds the daemon with cluster events: the static directory or the Kubernetes API.
class Source {
 public:
  Source(const Config& config, k8s::StaticSource::Post post) {
    if (config.source == SourceKind::Static) {
      static_ = std::make_unique<k8s::StaticSource>(config.staticDir, std::move(post));
      return;
    }
    if (config.kubeconfig.empty() && config.apiServer.empty()) {
      throw std::runtime_error(
          "source = kubernetes needs kubeconfig or api-server (never the kubernetes "
          "ClusterIP: kipvs implements it)");
    }
    const auto cluster = config.kubeconfig.empty() ? k8s::inClusterConfig(::getenv, config.apiServer)
                                                   : k8s::loadKubeconfig(config.kubeconfig.string());
    k8s::SourceOptions options;
    options.nodeName = config.nodeName;
    options.proxyName = config.proxyName;
    kube_ = std::make_unique<k8s::KubeSource>(cluster, options, std::move(post));
  }
  void start() { static_ ? static_->start() : kube_->start(); }
  void stop() { static_ ? static_->stop() : kube_->stop(); }
  void rescan() {
    if (static_) {
      static_->rescan();
    }
  }

 private:
  std::unique_ptr<k8s::StaticSource> static_;
  std::unique_ptr<k8s::KubeSource> kube_;
};

// Keeps the bus view in step with each applied sync.
class BusView final : public SyncObserver {
 public:
  BusView(bus::SdbusPublisher& publisher, const Daemon& daemon) : publisher_(publisher), daemon_(daemon) {}
  void synced(const core::DesiredState& desired, const core::ReconcileReport& report,
              std::chrono::microseconds duration) override {
    publisher_.publish(desired, {.finishedUsec = daemon_.status().lastSyncUsec,
                                 .durationUsec = static_cast<std::uint64_t>(duration.count()),
                                 .failedOps = static_cast<std::uint32_t>(report.failures.size())});
    statusChanged();
  }
  void statusChanged() override { publisher_.setStatus(agentStatusOf(daemon_)); }

 private:
  bus::SdbusPublisher& publisher_;
  const Daemon& daemon_;
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

}  // namespace

int runKipvsd(const Config& config, std::function<std::optional<Config>()> reloadConfig) {
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

  Daemon daemon(config, loop,
                HostPorts{.ipvs = netlink,
                          .addresses = link,
                          .conntrack = conntrack,
                          .store = store,
                          .applyFirewall = [&](const core::FirewallSpec& spec) { firewall.apply(spec); },
                          .updateFirewall = [&](const core::FirewallDelta& delta) { firewall.update(delta); },
                          .localAddresses = [] { return host::localNodeAddresses(); },
                          .lastKnownGood = &lastKnownGood,
                          .enableIpv6Forwarding = enableIpv6Forwarding},
                clock);

  DaemonControl control(daemon, netlink);
  auto connection = connectBus(config.bus);
  std::unique_ptr<bus::SdbusPublisher> publisher;
  std::unique_ptr<BusView> view;
  std::unique_ptr<bus::BusPump> pump;
  if (connection) {
    publisher = std::make_unique<bus::SdbusPublisher>(
        *connection, control, bus::CallerPolicy::withGroupNamed(dbus::kAdminGroup), dbus::kVersion);
    view = std::make_unique<BusView>(*publisher, daemon);
    daemon.setObserver(view.get());
    pump = std::make_unique<bus::BusPump>(*connection);
    loop.watchPollable(
        pump->pollData().fd,
        [&] {
          const auto wait = pump->pollData();
          return EventLoop::PollWish{.events = wait.events, .timeoutMs = wait.timeoutMs};
        },
        [&] { pump->dispatch(); });
  }
  daemon.onFirstSync([&] {
    if (connection) {
      connection->requestName(dbus::kBusName);  // last, once the first state is published
    }
    notify::ready(daemon.statusLine());
  });
  daemon.onStatusChanged([&] { notify::status(daemon.statusLine()); });

  k8s::EventQueue queue([&] {
    loop.post([&] {
      for (auto& event : queue.drain()) {
        daemon.handle(std::move(event));
      }
    });
  });
  Source source(config, [&](k8s::SourceEvent&& event) { queue.push(std::move(event)); });

  loop.onSignal(SIGTERM, [&] {
    notify::stopping("stopping; the kernel stays programmed");
    loop.exit(0);
  });
  loop.onSignal(SIGINT, [&] { loop.exit(0); });
  loop.onSignal(SIGHUP, [&] {
    const bool ready = daemon.status().ready;
    if (ready) {
      notify::reloading("reloading configuration");
    }
    if (auto next = reloadConfig()) {
      if (next->source != daemon.config().source || next->staticDir != daemon.config().staticDir) {
        log::warning("source changes need a restart; keeping the running source");
      }
      log::setLevel(next->logLevel);
      daemon.reload(std::move(*next));
      source.rescan();
    }
    if (ready) {
      notify::ready(daemon.statusLine());
    } else {
      notify::status(daemon.statusLine());
    }
  });
  loop.enableWatchdog();

  daemon.start();
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
