#include "core/firewall_deriver.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/desired_builder.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

// The incremental deriver must agree with deriveFirewall after every change, and its deltas must turn the
// previous spec into the next one. Services are drawn from small pools so that keys collide (shadowing),
// addresses are shared (binding, hairpin reference counts) and entries move between roles.
struct Pools {
  std::vector<std::string> addresses;  // VIPs
  std::vector<std::uint16_t> ports;
  std::vector<std::string> endpoints;  // real server addresses
  std::vector<std::string> ranges;     // loadBalancerSourceRanges
  int services = 0;                    // distinct Service names
  int steps = 0;
  unsigned seed = 0;
};

class RandomCluster {
 public:
  explicit RandomCluster(const Pools& pools) : pools_(pools), random_(pools.seed) {}

  ServiceDesired contribution(const ObjectKey& key) {
    ServiceDesired out{.key = key, .services = {}, .problems = {}, .skipped = {}, .healthCheckNodePort = 0};
    const auto count = pick(4);
    for (std::size_t i = 0; i < count; ++i) {
      out.services.push_back(virtualService(key));
    }
    return out;
  }
  ObjectKey serviceKey() { return {"ns", "svc" + std::to_string(pick(pools_.services))}; }
  bool coin() { return pick(2) == 0; }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  template <typename T>
  const T& any(const std::vector<T>& values) {
    return values[pick(values.size())];
  }

  DesiredVirtualService virtualService(const ObjectKey& owner) {
    DesiredVirtualService vs;
    vs.service.key = {.family = IpFamily::V4,
                      .protocol = coin() ? Protocol::Tcp : Protocol::Udp,
                      .address = ip(any(pools_.addresses)),
                      .port = any(pools_.ports),
                      .fwmark = pick(8) == 0 ? 7U : 0U};
    if (vs.service.key.address.family() == IpFamily::V6) {
      vs.service.key.family = IpFamily::V6;
    }
    constexpr std::array kKinds{ServiceKind::ClusterIP, ServiceKind::NodePort, ServiceKind::LoadBalancer,
                                ServiceKind::ExternalIP, ServiceKind::Static};
    vs.origin = {.ns = owner.ns, .name = owner.name, .portName = "p", .kind = kKinds[pick(kKinds.size())]};
    vs.bindAddress = coin();
    vs.localOnly = coin();
    for (std::size_t i = pick(3); i > 0; --i) {
      vs.sourceRanges.push_back(cidr(any(pools_.ranges)));
    }
    std::set<std::string> reals;
    for (std::size_t i = pick(4); i > 0; --i) {
      reals.insert(any(pools_.endpoints));
    }
    for (const auto& address : reals) {
      DesiredRealServer real;
      real.server = {.address = ip(address), .port = 8080};
      real.endpoint.local = coin();
      vs.reals.push_back(real);
    }
    return vs;
  }

  Pools pools_;
  std::mt19937 random_;
};

template <typename T>
void patch(std::vector<T>& values, const std::vector<T>& removed, const std::vector<T>& added) {
  std::set<T> set(values.begin(), values.end());
  for (const auto& value : removed) {
    EXPECT_EQ(set.erase(value), 1U) << "removed an entry that was not there";
  }
  for (const auto& value : added) {
    EXPECT_TRUE(set.insert(value).second) << "added an entry that was there";
  }
  values.assign(set.begin(), set.end());
}

// The previous spec with the delta applied, as the firewall sees it.
FirewallSpec applied(FirewallSpec spec, const FirewallDelta& delta) {
  patch(spec.clusterIps, delta.removed.clusterIps, delta.added.clusterIps);
  patch(spec.external, delta.removed.external, delta.added.external);
  patch(spec.externalLocal, delta.removed.externalLocal, delta.added.externalLocal);
  patch(spec.guardedAddresses, delta.removed.guardedAddresses, delta.added.guardedAddresses);
  patch(spec.hairpinEndpoints, delta.removed.hairpinEndpoints, delta.added.hairpinEndpoints);
  for (const auto& rule : delta.removed.sourceRanges) {
    const auto at = std::find(spec.sourceRanges.begin(), spec.sourceRanges.end(), rule);
    EXPECT_NE(at, spec.sourceRanges.end()) << "removed a source range rule that was not there";
    if (at != spec.sourceRanges.end()) {
      spec.sourceRanges.erase(at);
    }
  }
  spec.sourceRanges.insert(spec.sourceRanges.end(), delta.added.sourceRanges.begin(),
                           delta.added.sourceRanges.end());
  return spec;
}

std::vector<SourceRangeRule> sorted(std::vector<SourceRangeRule> rules) {
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.entry < b.entry; });
  return rules;
}

class FirewallDeriverRandom : public ::testing::TestWithParam<Pools> {};

TEST_P(FirewallDeriverRandom, IncrementalEqualsFromScratchAfterEveryChange) {
  RandomCluster cluster(GetParam());
  auto node = nodeA();
  node.clusterCidrs = {cidr("10.244.0.0/16"), cidr("10.244.0.0/16")};
  DesiredBuilder builder;
  FirewallDeriver deriver;
  deriver.reset(builder.state(), node);
  auto previous = deriver.spec();
  for (int step = 0; step < GetParam().steps; ++step) {
    const auto key = cluster.serviceKey();
    const auto changed =
        cluster.coin() && builder.contains(key) ? builder.erase(key) : builder.set(cluster.contribution(key));
    const auto delta = deriver.update(builder.state(), changed);
    const auto expected = deriveFirewall(builder.state(), node);
    ASSERT_EQ(deriver.spec(), expected) << "step " << step;
    auto patched = applied(previous, delta);
    EXPECT_EQ(sorted(patched.sourceRanges), sorted(expected.sourceRanges)) << "step " << step;
    patched.sourceRanges = expected.sourceRanges;
    ASSERT_EQ(patched, expected) << "step " << step;
    previous = expected;
  }
  FirewallDeriver fresh;
  fresh.reset(builder.state(), node);
  EXPECT_EQ(fresh.spec(), deriver.spec());
}

INSTANTIATE_TEST_SUITE_P(
    Sequences, FirewallDeriverRandom,
    ::testing::Values(
        // Many Services over few keys: constant collisions, shadowed claims taking over.
        Pools{{"10.96.0.1", "10.96.0.2"}, {80}, {"10.244.1.1", "10.244.1.2"}, {"198.51.100.0/24"}, 6, 400, 1},
        // Shared endpoints across many VIPs: hairpin reference counts.
        Pools{{"10.96.0.1", "10.96.0.2", "10.96.0.3", "203.0.113.7", "192.168.1.10"},
              {80, 443, 30080},
              {"10.244.1.1"},
              {"198.51.100.0/24", "198.51.100.0/25", "0.0.0.0/0"},
              12,
              600,
              2},
        // Dual stack, wider pools.
        Pools{{"10.96.0.1", "fd00::1", "fd00::2", "203.0.113.7"},
              {53, 80},
              {"10.244.1.1", "10.244.2.2", "fd00:244::1", "fd00:244::2"},
              {"198.51.100.0/24", "2001:db8::/32"},
              20,
              800,
              3},
        Pools{
            {"10.96.0.1", "10.96.0.9"}, {80, 81}, {"10.244.1.1", "10.244.1.9"}, {"10.0.0.0/8"}, 3, 300, 4}));

TEST(FirewallDeriver, AnUnchangedKeyYieldsAnEmptyDelta) {
  DesiredBuilder builder;
  FirewallDeriver deriver;
  ServiceDesired web{
      .key = {"ns", "web"}, .services = {}, .problems = {}, .skipped = {}, .healthCheckNodePort = 0};
  DesiredVirtualService vs;
  vs.service.key = {
      .family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.96.0.1"), .port = 80};
  vs.origin = {.ns = "ns", .name = "web", .portName = "http", .kind = ServiceKind::ClusterIP};
  web.services.push_back(vs);
  deriver.reset(builder.state(), nodeA());
  const auto added = deriver.update(builder.state(), builder.set(web));
  EXPECT_EQ(added.added.clusterIps.size(), 1U);
  EXPECT_EQ(added.added.guardedAddresses, std::vector{ip("10.96.0.1")});
  EXPECT_TRUE(deriver.update(builder.state(), builder.set(web)).empty());
  const auto removed = deriver.update(builder.state(), builder.erase(web.key));
  EXPECT_EQ(removed.removed.clusterIps, added.added.clusterIps);
  EXPECT_EQ(removed.removed.guardedAddresses, std::vector{ip("10.96.0.1")});
  EXPECT_TRUE(removed.added == FirewallSpec{});
}

}  // namespace
}  // namespace kipvs::core
