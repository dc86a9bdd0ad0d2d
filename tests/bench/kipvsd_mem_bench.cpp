// kipvsd's memory at 10k Services x 10 endpoints on the host, without IPVS: the real Daemon (static source
// -> cache -> desired builder -> reconciler -> firewall derive -> ownership record) over a lean fake IPVS
// holding the "kernel" table. Heap live/peak after each phase from the counting operator new
// (bench_alloc), plus the process's VmHWM. Run under heaptrack for the per-site breakdown:
//   heaptrack build-ci/tests/bench/kipvsd_mem_bench && heaptrack_print -p 0 -a 0 -T 0 heaptrack.*.zst

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "app/firewall_sync.hpp"
#include "bench_alloc.hpp"
#include "core/host_ports.hpp"
#include "core/ports.hpp"
#include "k8s/static_source.hpp"
#include "kernel_table.hpp"
#include "kipvsd_bench_env.hpp"

namespace {

using namespace kipvs;

class NoAddresses final : public core::AddressPort {
 public:
  std::vector<core::IpAddress> listAddresses() override { return {}; }
  void addAddress(const core::IpAddress&) override {}
  void removeAddress(const core::IpAddress&) override {}
};
class NoConntrack final : public core::ConntrackPort {
 public:
  void flush(const core::IpAddress&, std::uint16_t, core::Protocol, const core::IpAddress&) override {}
};
class NoStore final : public core::StateStore {
 public:
  std::optional<std::string> load() override { return std::nullopt; }
  void save(std::string_view) override {}
};

class NoNodeAddresses final : public core::NodeAddressPort {
 public:
  std::vector<core::IpAddress> localAddresses() override { return {}; }
};

class NoFirewall final : public core::FirewallPort {
 public:
  void apply(const core::FirewallSpec&) override {}
  void update(const core::FirewallDelta&) override {}
};

long vmHwmKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

double mib(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

void report(const char* phase) {
  std::printf("%-44s heap live %7.1f MiB  peak %7.1f MiB  VmHWM %7.1f MiB\n", phase, mib(bench::liveBytes()),
              mib(bench::peakBytes()), static_cast<double>(vmHwmKib()) / 1024.0);
  std::fflush(stdout);
}

}  // namespace

int main() {
  mallopt(M_ARENA_MAX, 1);  // as kipvsd's main does
  const int services =
      std::getenv("KIPVSD_BENCH_SERVICES") ? std::atoi(std::getenv("KIPVSD_BENCH_SERVICES")) : 10000;
  const std::string dir = "/tmp/kipvsd-mem-bench/manifests";
  std::filesystem::remove_all("/tmp/kipvsd-mem-bench");
  bench::writeManifests(dir, services, 10);
  log::setLevel(log::Level::Warning);
  report("start (manifests written)");

  app::Config config;
  config.source = app::SourceKind::Static;
  config.staticDir = dir;
  config.nodeName = bench::kThisNode;
  config.minSyncPeriod = std::chrono::milliseconds(0);
  config.bus = app::BusKind::None;

  app::EventLoop loop;
  bench::KernelTable kernel;
  NoAddresses addresses;
  NoConntrack conntrack;
  NoStore store;
  core::SteadyClock clock;
  NoNodeAddresses nodeAddresses;
  NoFirewall firewall;
  app::Daemon daemon(config, loop,
                     app::HostPorts{.ipvs = kernel,
                                    .addresses = addresses,
                                    .conntrack = conntrack,
                                    .store = store,
                                    .nodeAddresses = nodeAddresses,
                                    .lastKnownGood = store},
                     clock);
  app::FirewallSync firewallSync(firewall, daemon.config());
  daemon.addListener(firewallSync);
  k8s::EventQueue queue([&] {
    loop.post([&] {
      for (auto& event : queue.drain()) {
        daemon.handle(std::move(event));
      }
    });
  });
  k8s::StaticSource source(dir, [&](k8s::SourceEvent&& event) { queue.push(std::move(event)); });
  daemon.start();
  report("daemon started");
  source.start();
  while (!daemon.status().ready) {
    loop.runFor(std::chrono::milliseconds(100));
  }
  loop.runFor(std::chrono::milliseconds(300));
  std::printf("kernel table: %zu virtual services\n", kernel.table.size());
  report("READY (first complete sync)");

  for (int round = 0; round < 2; ++round) {
    const auto syncs = daemon.status().syncs;
    daemon.reload(config);
    source.rescan();
    while (daemon.status().syncs == syncs) {
      loop.runFor(std::chrono::milliseconds(100));
    }
    loop.runFor(std::chrono::milliseconds(300));
    report("after a SIGHUP full reconcile");
  }
  for (int round = 0; round < 4; ++round) {
    const auto syncs = daemon.status().syncs;
    bench::writeServiceManifest(dir, 4321, 10, round % 2 == 0 ? 9 : -1);
    while (daemon.status().syncs == syncs) {
      loop.runFor(std::chrono::milliseconds(100));
    }
    loop.runFor(std::chrono::milliseconds(300));
  }
  report("after 4 single-endpoint changes");
  {
    const auto before = bench::liveBytes();
    const auto copy = kernel.table;
    std::printf("of which the fake kernel table (not kipvsd's in a real run): %.1f MiB\n",
                mib(bench::liveBytes() - before));
  }
  std::printf(
      "sizeof: Endpoint %zu, EndpointSlice %zu, Service %zu, k8s::Object %zu, DesiredRealServer %zu, "
      "DesiredVirtualService %zu\n",
      sizeof(core::Endpoint), sizeof(core::EndpointSlice), sizeof(core::Service), sizeof(k8s::Object),
      sizeof(core::DesiredRealServer), sizeof(core::DesiredVirtualService));
  source.stop();
  return 0;
}
