// Plans: exact operation lists for each kind of change, and the fixed point (apply, diff again: empty).

#include "core/diff.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "core/desired_builder.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

std::vector<std::string> render(const std::vector<IpvsOp>& ops) {
  std::vector<std::string> lines;
  for (const auto& op : ops) {
    std::ostringstream out;
    out << op;
    lines.push_back(out.str());
  }
  return lines;
}

VirtualServiceKey tcpKey(std::string_view address, std::uint16_t number) {
  return {.family = ip(address).family(), .protocol = Protocol::Tcp, .address = ip(address), .port = number};
}

DesiredVirtualService desiredVs(std::string_view address, std::uint16_t number,
                                const std::vector<std::string>& reals) {
  DesiredVirtualService vs;
  vs.service.key = tcpKey(address, number);
  vs.origin = {.ns = "default", .name = "web", .portName = "", .kind = ServiceKind::ClusterIP};
  for (const auto& text : reals) {
    const auto colon = text.rfind(':');
    vs.reals.push_back({.server = {.address = ip(text.substr(0, colon)),
                                   .port = static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))},
                        .endpoint = {},
                        .drained = false});
  }
  return vs;
}

DesiredState desiredOf(const std::vector<DesiredVirtualService>& services) {
  DesiredState state;
  for (const auto& vs : services) {
    state.services[vs.service.key] = vs;
  }
  return state;
}

// The kernel after applying `desired` to an empty table.
ObservedState observedOf(const DesiredState& desired) {
  ObservedState observed;
  for (const auto& op : diff({}, desired, {})) {
    applyToObserved(observed, op);
  }
  return observed;
}

const auto kWeb = [] { return desiredVs("10.96.0.10", 80, {"10.244.1.5:8080", "10.244.2.5:8080"}); };

TEST(Diff, IsEmptyWhenKernelMatchesDesired) {
  const auto desired = desiredOf({kWeb()});
  EXPECT_TRUE(diff(observedOf(desired), desired, {}).empty());
}

TEST(Diff, AddsANewServiceThenItsRealServersInOrder) {
  EXPECT_EQ(render(diff({}, desiredOf({kWeb()}), {})),
            (std::vector<std::string>{"add-service TCP 10.96.0.10:80 rr flags=0x0",
                                      "add-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1",
                                      "add-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"}));
}

TEST(Diff, OneEndpointAddedIsExactlyOneAddReal) {
  const auto observed = observedOf(desiredOf({kWeb()}));
  auto grown = kWeb();
  grown.reals.push_back(desiredVs("10.96.0.10", 80, {"10.244.3.5:8080"}).reals[0]);
  EXPECT_EQ(render(diff(observed, desiredOf({grown}), {})),
            std::vector<std::string>{"add-real TCP 10.96.0.10:80 -> 10.244.3.5:8080 Masq w=1"});
}

TEST(Diff, OneEndpointRemovedIsExactlyOneDeleteReal) {
  const auto observed = observedOf(desiredOf({kWeb()}));
  EXPECT_EQ(render(diff(observed, desiredOf({desiredVs("10.96.0.10", 80, {"10.244.1.5:8080"})}), {})),
            std::vector<std::string>{"delete-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1"});
}

TEST(Diff, AWeightChangeIsOneEditReal) {
  const auto observed = observedOf(desiredOf({kWeb()}));
  auto drained = kWeb();
  drained.reals[0].server.weight = 0;
  EXPECT_EQ(render(diff(observed, desiredOf({drained}), {})),
            std::vector<std::string>{"edit-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=0"});
}

TEST(Diff, ASchedulerChangeEditsTheServiceAndLeavesItsRealServers) {
  const auto observed = observedOf(desiredOf({kWeb()}));
  auto changed = kWeb();
  changed.service.scheduler = "wlc";
  EXPECT_EQ(render(diff(observed, desiredOf({changed}), {})),
            std::vector<std::string>{"edit-service TCP 10.96.0.10:80 wlc flags=0x0"});
}

TEST(Diff, TurningOnAffinityEditsTheService) {
  const auto observed = observedOf(desiredOf({kWeb()}));
  auto sticky = kWeb();
  sticky.service.flags = svc_flags::kPersistent;
  sticky.service.timeout = 60;
  EXPECT_EQ(render(diff(observed, desiredOf({sticky}), {})),
            std::vector<std::string>{"edit-service TCP 10.96.0.10:80 rr flags=0x1 persistent 60"});
}

TEST(Diff, IgnoresTheKernelsHashedFlag) {
  auto observed = observedOf(desiredOf({kWeb()}));
  observed.begin()->second.service.flags |= svc_flags::kHashed;
  EXPECT_TRUE(diff(observed, desiredOf({kWeb()}), {}).empty());
}

TEST(Diff, ComparesEveryRealServerAttribute) {
  auto observed = observedOf(desiredOf({kWeb()}));
  observed.begin()->second.reals[0].upperThreshold = 100;
  EXPECT_EQ(render(diff(observed, desiredOf({kWeb()}), {})),
            std::vector<std::string>{"edit-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1"});
}

TEST(Diff, DeletesOwnedServicesNoLongerDesiredBeforeAnythingElse) {
  const auto old = desiredVs("10.96.0.99", 80, {"10.244.9.9:80"});
  const auto observed = observedOf(desiredOf({old}));
  const auto fresh = desiredVs("10.96.0.1", 443, {});
  EXPECT_EQ(render(diff(observed, desiredOf({fresh}), {old.service.key})),
            (std::vector<std::string>{"delete-service TCP 10.96.0.99:80",
                                      "add-service TCP 10.96.0.1:443 rr flags=0x0"}));
}

TEST(Diff, NeverDeletesAVirtualServiceKipvsDoesNotOwn) {
  const auto observed = observedOf(desiredOf({desiredVs("192.0.2.1", 80, {"192.0.2.10:80"})}));
  EXPECT_TRUE(diff(observed, DesiredState{}, {}).empty());
}

TEST(Diff, ReconcilesAForeignVirtualServiceThatIsDesiredAndSoAdoptsIt) {
  const auto observed = observedOf(desiredOf({desiredVs("10.96.0.10", 80, {"10.244.7.7:80"})}));
  EXPECT_EQ(render(diff(observed, desiredOf({kWeb()}), {})),
            (std::vector<std::string>{"add-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1",
                                      "add-real TCP 10.96.0.10:80 -> 10.244.2.5:8080 Masq w=1",
                                      "delete-real TCP 10.96.0.10:80 -> 10.244.7.7:80 Masq w=1"}));
}

TEST(Diff, ATargetPortChangeAddsTheNewRealServersBeforeDeletingTheOld) {
  const auto observed = observedOf(desiredOf({desiredVs("10.96.0.10", 80, {"10.244.1.5:8080"})}));
  EXPECT_EQ(render(diff(observed, desiredOf({desiredVs("10.96.0.10", 80, {"10.244.1.5:9090"})}), {})),
            (std::vector<std::string>{"add-real TCP 10.96.0.10:80 -> 10.244.1.5:9090 Masq w=1",
                                      "delete-real TCP 10.96.0.10:80 -> 10.244.1.5:8080 Masq w=1"}));
}

TEST(Diff, RestrictedToKeysPlansOnlyThoseKeys) {
  const auto a = desiredVs("10.96.0.1", 80, {"10.244.1.1:80"});
  const auto b = desiredVs("10.96.0.2", 80, {"10.244.1.2:80"});
  EXPECT_EQ(render(diff({}, desiredOf({a, b}), {}, {b.service.key})),
            (std::vector<std::string>{"add-service TCP 10.96.0.2:80 rr flags=0x0",
                                      "add-real TCP 10.96.0.2:80 -> 10.244.1.2:80 Masq w=1"}));
}

TEST(Diff, AppliedPlansReachAFixedPointAcrossRealisticChanges) {
  auto web = service("web", {"10.96.0.10", "fd00:96::10"}, {port(80, "http", Protocol::Tcp, 30080)},
                     ServiceType::LoadBalancer);
  web.loadBalancerIngress = {ingress("203.0.113.7")};
  const auto v4 = [](std::vector<Endpoint> eps) {
    return slice("web", std::move(eps), {slicePort(8080, "http")});
  };
  std::vector<ClusterSnapshot> history = {
      snapshot({web}, {v4({endpoint("10.244.1.5", "node-a")})}),
      snapshot({web}, {v4({endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")})}),
      snapshot({with(web, [](Service& s) { s.clientIPAffinity = true; })},
               {v4({endpoint("10.244.2.5", "node-b")})}),
      snapshot({with(web, [](Service& s) { s.externalTrafficPolicy = TrafficPolicy::Local; })},
               {v4({terminating(endpoint("10.244.2.5", "node-b"))})}),
      snapshot({}, {}),
  };
  ObservedState kernel;
  std::set<VirtualServiceKey> owned;
  for (const auto& snap : history) {
    const auto desired = computeDesired(snap, nodeA());
    for (const auto& [key, unused] : desired.services) {
      owned.insert(key);
    }
    for (const auto& op : diff(kernel, desired, owned)) {
      applyToObserved(kernel, op);
    }
    EXPECT_TRUE(diff(kernel, desired, owned).empty());
  }
  EXPECT_TRUE(kernel.empty());
}

TEST(DiffAddresses, AddsMissingAndRemovesStaleAddresses) {
  const auto plan = diffAddresses({ip("10.96.0.1"), ip("10.96.0.2")}, {ip("10.96.0.2"), ip("fd00::3")});
  EXPECT_EQ(plan.add, std::vector{ip("fd00::3")});
  EXPECT_EQ(plan.remove, std::vector{ip("10.96.0.1")});
  EXPECT_TRUE(diffAddresses({ip("10.96.0.1")}, {ip("10.96.0.1")}).empty());
}

}  // namespace
}  // namespace kipvs::core
