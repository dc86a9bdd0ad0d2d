// The core pipeline at 10k Services x 10 endpoints, host-side: a full reconcile (DesiredBuilder, diff,
// Reconciler against an in-memory IPVS, firewall derivation and rendering) against one endpoint change,
// the incremental firewall path (FirewallDeriver + renderDelta) next to the from-scratch one it replaced
// (deriveFirewall + spec compare + renderUpdate of the whole table). Prints milliseconds per step.

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "core/firewall_deriver.hpp"
#include "core/reconciler.hpp"
#include "core_fixtures.hpp"
#include "fakes.hpp"
#include "host/nft_ruleset.hpp"

namespace {

using namespace kipvs::core;
using namespace kipvs::core::testing;

constexpr int kServices = 10000;
constexpr int kEndpoints = 10;
constexpr int kRounds = 20;  // each change is made and undone this many times

std::string quad(int a, int b, int c, int d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

Endpoint pod(int service, int index) {
  // The first endpoint of every Service runs on this node (node-a): it feeds the hairpin set.
  return endpoint(quad(10, 128 + service / 256, service % 256, index + 1), index == 0 ? "node-a" : "node-b");
}

ClusterSnapshot cluster() {
  ClusterSnapshot snap;
  for (int i = 0; i < kServices; ++i) {
    auto svc = service("svc" + std::to_string(i), {quad(10, 96, i / 250, i % 250 + 1)}, {port(80, "http")});
    snap.services[svc.meta.key()] = svc;
    std::vector<Endpoint> endpoints;
    endpoints.reserve(kEndpoints);
    for (int j = 0; j < kEndpoints; ++j) {
      endpoints.push_back(pod(i, j));
    }
    snap.slicesByService[svc.meta.key()].push_back(
        slice(svc.meta.name, endpoints, {slicePort(8080, "http")}));
  }
  return snap;
}

double millis(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

struct Pipeline {
  FakeIpvs ipvs;
  FakeAddresses addresses;
  FakeConntrack conntrack;
  FakeStore store;
  FakeClock clock;
  Reconciler reconciler{ipvs, addresses, conntrack, store, clock, nodeA()};
  FirewallDeriver deriver;
  kipvs::host::NftSetContents applied;  // what NftFirewall keeps
  FirewallSpec spec;                    // what the daemon kept before (from-scratch path)
};

}  // namespace

int main() {
  auto snap = cluster();
  Pipeline p;
  p.reconciler.start();
  double reconcile = 0;
  double firewall = 0;
  reconcile = millis([&] { p.reconciler.fullSync(snap); });
  firewall = millis([&] {
    p.deriver.reset(p.reconciler.desired(), nodeA());
    p.spec = p.deriver.spec();
    p.applied = kipvs::host::renderSetContents(p.spec);
  });
  const double full = reconcile + firewall;
  std::printf("full reconcile at %d Services x %d endpoints: %.1f ms (reconciler %.1f, firewall %.1f)\n",
              kServices, kEndpoints, full, reconcile, firewall);

  for (const int removed : {3, 0}) {  // a remote endpoint, then the local one
    double sync = 0;
    double incremental = 0;
    double scratch = 0;
    std::size_t commands = 0;
    for (int round = 0; round < kRounds; ++round) {
      const ObjectKey key{"default", "svc" + std::to_string(round * 397 % kServices)};
      auto& endpoints = snap.slicesByService[key].front().endpoints;
      for (const bool remove : {true, false}) {
        if (remove) {
          endpoints.erase(endpoints.begin() + removed);
        } else {
          endpoints.insert(endpoints.begin() + removed, pod(round * 397 % kServices, removed));
        }
        ReconcileReport report;
        sync += millis([&] { report = p.reconciler.syncServices(snap, {key}); });
        incremental += millis([&] {
          const auto delta = p.deriver.update(p.reconciler.desired(), report.touched);
          commands += kipvs::host::renderDelta(p.applied, delta).empty() ? 0 : 1;
        });
        scratch += millis([&] {
          auto spec = deriveFirewall(p.reconciler.desired(), nodeA());
          if (spec != p.spec) {
            [[maybe_unused]] const auto text = kipvs::host::renderUpdate(p.spec, spec);
            p.spec = std::move(spec);
          }
        });
      }
    }
    const double n = 2.0 * kRounds;
    const double after = (sync + incremental) / n;
    const double before = (sync + scratch) / n;
    std::printf(
        "one %s endpoint changed: reconciler %.2f ms; firewall incremental %.3f ms (nft commands in %zu of "
        "%d "
        "changes), from scratch %.1f ms; whole sync %.2f ms (ratio %.5f), before %.1f ms (ratio %.4f)\n",
        removed == 0 ? "LOCAL" : "remote", sync / n, incremental / n, commands, 2 * kRounds, scratch / n,
        after, after / full, before, before / full);
  }
  return 0;
}
