// The core pipeline at KIPVS_BENCH_SERVICES Services (default 10,000) x 10 endpoints, host-side: a full
// reconcile (DesiredBuilder, diff, Reconciler against an in-memory IPVS, firewall derivation and
// rendering) against one endpoint change (Reconciler::syncServices, the incremental firewall:
// FirewallDeriver + renderDelta), next to the from-scratch firewall it replaced (deriveFirewall + spec
// compare + renderUpdate of the whole table). Prints milliseconds per step and, as its last lines,
// `single_change_us: <median whole sync of one remote endpoint change>` and `full_reconcile_ms: <x>`.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/firewall_deriver.hpp"
#include "core/reconciler.hpp"
#include "core_fixtures.hpp"
#include "fakes.hpp"
#include "host/nft_ruleset.hpp"
#include "kernel_table.hpp"

namespace {

using namespace kipvs::core;
using namespace kipvs::core::testing;

constexpr int kEndpoints = 10;
constexpr int kRounds = 20;  // each change is made and undone this many times

int servicesWanted() {
  const char* text = std::getenv("KIPVS_BENCH_SERVICES");
  const long value = text == nullptr ? 10000 : std::strtol(text, nullptr, 10);
  if (value < 1 || value > 1'000'000) {
    std::fprintf(stderr, "KIPVS_BENCH_SERVICES must be 1..1000000\n");
    std::exit(2);
  }
  return static_cast<int>(value);
}

// The IPv4 address `offset` after `base` (host order), as text: consecutive indices never overflow an
// octet, whatever the scale (10.96.0.0/12 holds 1M VIPs, 10.128.0.0/9 8M pods).
std::string addressAt(std::uint32_t base, std::uint32_t offset) {
  const std::uint32_t value = base + offset;
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
         std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

constexpr std::uint32_t kVipBase = (10U << 24) | (96U << 16);
constexpr std::uint32_t kPodBase = (10U << 24) | (128U << 16);

Endpoint pod(int service, int index) {
  // The first endpoint of every Service runs on this node (node-a): it feeds the hairpin set.
  const auto offset = static_cast<std::uint32_t>(service * kEndpoints + index + 1);
  return endpoint(addressAt(kPodBase, offset), index == 0 ? "node-a" : "node-b");
}

ClusterSnapshot cluster(int services) {
  ClusterSnapshot snap;
  for (int i = 0; i < services; ++i) {
    auto svc = service("svc" + std::to_string(i), {addressAt(kVipBase, static_cast<std::uint32_t>(i + 1))},
                       {port(80, "http")});
    std::vector<Endpoint> endpoints;
    endpoints.reserve(kEndpoints);
    for (int j = 0; j < kEndpoints; ++j) {
      endpoints.push_back(pod(i, j));
    }
    snap.slicesByService[svc.meta.key()].push_back(
        slice(svc.meta.name, endpoints, {slicePort(8080, "http")}));
    snap.services.emplace(svc.meta.key(), std::move(svc));
  }
  return snap;
}

double millis(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Pipeline {
  kipvs::bench::KernelTable ipvs;
  FakeAddresses addresses;
  FakeConntrack conntrack;
  FakeStore store;
  FakeClock clock;
  Reconciler reconciler{ipvs, addresses, conntrack, store, clock, nodeA()};
  FirewallDeriver deriver;
  kipvs::host::NftSetContents applied;  // what NftFirewall keeps
};

// One endpoint of kRounds Services removed and put back, each a whole incremental sync (reconciler +
// incremental firewall + nft delta rendering): the durations in ms.
std::vector<double> changes(Pipeline& p, ClusterSnapshot& snap, int services, int removed,
                            std::size_t& commands) {
  std::vector<double> syncs;
  for (int round = 0; round < kRounds; ++round) {
    const int index = round * 397 % services;
    const ObjectKey key{"default", "svc" + std::to_string(index)};
    auto& endpoints = snap.slicesByService[key].front().endpoints;
    for (const bool remove : {true, false}) {
      if (remove) {
        endpoints.erase(endpoints.begin() + removed);
      } else {
        endpoints.insert(endpoints.begin() + removed, pod(index, removed));
      }
      syncs.push_back(millis([&] {
        const auto report = p.reconciler.syncServices(snap, {key});
        const auto delta = p.deriver.update(p.reconciler.desired(), report.touched);
        commands += kipvs::host::renderDelta(p.applied, delta).empty() ? 0 : 1;
      }));
    }
  }
  return syncs;
}

}  // namespace

int main() {
  const int services = servicesWanted();
  auto snap = cluster(services);
  Pipeline p;
  p.reconciler.start();
  const double reconcile = millis([&] { p.reconciler.fullSync(snap); });
  const double firewall = millis([&] {
    p.deriver.reset(p.reconciler.desired(), nodeA());
    p.applied = kipvs::host::renderSetContents(p.deriver.spec());
  });
  const double full = reconcile + firewall;
  std::printf("full reconcile at %d Services x %d endpoints: %.1f ms (reconciler %.1f, firewall %.1f)\n",
              services, kEndpoints, full, reconcile, firewall);

  // The changes run back to back, as in the daemon: the from-scratch comparison below frees O(Services)
  // memory per call, which glibc's malloc would make the next sync pay for (consolidating the free lists).
  double remote = 0;
  for (const int removed : {3, 0}) {  // a remote endpoint, then the local one
    std::size_t commands = 0;
    const auto syncs = changes(p, snap, services, removed, commands);
    const double whole = median(syncs);
    remote = removed != 0 ? whole : remote;
    std::printf(
        "one %s endpoint changed: whole sync median %.4f ms, max %.4f ms of %zu (ratio to a full reconcile "
        "%.6f; nft commands in %zu)\n",
        removed == 0 ? "LOCAL" : "remote", whole, *std::max_element(syncs.begin(), syncs.end()), syncs.size(),
        whole / full, commands);
  }

  // The firewall before the incremental deriver: derive the whole spec, compare, render the update.
  auto spec = p.deriver.spec();
  double scratch = 0;
  for (int round = 0; round < kRounds; ++round) {
    const ObjectKey key{"default", "svc" + std::to_string(round * 397 % services)};
    auto& endpoints = snap.slicesByService[key].front().endpoints;
    endpoints.erase(endpoints.begin());
    p.reconciler.syncServices(snap, {key});
    scratch += millis([&] {
      auto fresh = deriveFirewall(p.reconciler.desired(), nodeA());
      if (fresh != spec) {
        [[maybe_unused]] const auto text = kipvs::host::renderUpdate(spec, fresh);
        spec = std::move(fresh);
      }
    });
  }
  std::printf("the from-scratch firewall (before the incremental deriver): %.1f ms a change\n",
              scratch / kRounds);
  std::printf("single_change_us: %.1f\n", remote * 1000.0);
  std::printf("full_reconcile_ms: %.1f\n", full);
  return 0;
}
