// The incremental path: one Service recomputed at a time gives the same state as a full compute,
// shared addresses stay bound, conflicts resolve deterministically, Explain tells why.

#include "core/desired_builder.hpp"

#include <gtest/gtest.h>

#include "core/desired_service.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

Service withExternalIp(Service svc, std::string_view address) {
  svc.externalIPs = {ip(address)};
  return svc;
}

TEST(DesiredBuilder, RecomputingOneServiceMatchesAFullCompute) {
  auto web = withExternalIp(service("web", {"10.96.0.10"}, {port(80, "http")}), "198.51.100.9");
  auto api = service("api", {"10.96.0.1"}, {port(443)});
  const auto slices =
      std::vector{slice("web", {endpoint("10.244.1.5", "node-a")}, {slicePort(8080, "http")})};
  DesiredBuilder builder;
  builder.set(computeService(api, {}, nodeA()));
  builder.set(computeService(web, {}, nodeA()));
  const auto touched = builder.set(computeService(web, slices, nodeA()));

  EXPECT_EQ(builder.state(), computeDesired(snapshot({web, api}, slices), nodeA()));
  EXPECT_EQ(touched.size(), 2U);  // web's ClusterIP and externalIP, not api's
  EXPECT_EQ(builder.state().boundAddresses,
            (std::set{ip("10.96.0.1"), ip("10.96.0.10"), ip("198.51.100.9")}));
}

TEST(DesiredBuilder, ErasingAServiceRemovesItsVirtualServicesAndUnbindsItsAddresses) {
  DesiredBuilder builder;
  builder.set(computeService(service("api", {"10.96.0.1"}, {port(443)}), {}, nodeA()));
  builder.set(computeService(service("web", {"10.96.0.10"}, {port(80)}), {}, nodeA()));
  const auto touched = builder.erase({"default", "web"});

  EXPECT_EQ(touched.size(), 1U);
  EXPECT_EQ(builder.state().services.size(), 1U);
  EXPECT_EQ(builder.state().boundAddresses, std::set{ip("10.96.0.1")});
  EXPECT_TRUE(builder.erase({"default", "web"}).empty());
}

// Three Services claim one ClusterIP: when the winner goes, the second takes over and the third's conflict
// problem must name the new winner (found by the field property test: it kept naming the deleted one).
TEST(DesiredBuilder, ARemainingLoserNamesTheNewWinnerWhenTheWinnerGoes) {
  DesiredBuilder builder;
  for (const char* name : {"a", "b", "c"}) {
    builder.set(computeService(service(name, {"10.96.0.1"}, {port(80)}), {}, nodeA()));
  }
  builder.erase({"default", "a"});

  EXPECT_EQ(
      builder.state(),
      computeDesired(
          snapshot({service("b", {"10.96.0.1"}, {port(80)}), service("c", {"10.96.0.1"}, {port(80)})}, {}),
          nodeA()));
  ASSERT_TRUE(builder.state().problems.contains({"default", "c"}));
  EXPECT_NE(builder.state().problems.at({"default", "c"}).front().find("default/b"), std::string::npos);
}

TEST(DesiredBuilder, ASharedExternalIpStaysBoundWhenOneOfItsServicesGoes) {
  DesiredBuilder builder;
  builder.set(
      computeService(withExternalIp(service("a", {"10.96.0.1"}, {port(80)}), "198.51.100.9"), {}, nodeA()));
  builder.set(
      computeService(withExternalIp(service("b", {"10.96.0.2"}, {port(443)}), "198.51.100.9"), {}, nodeA()));
  builder.erase({"default", "a"});

  EXPECT_TRUE(builder.state().boundAddresses.contains(ip("198.51.100.9")));
  builder.erase({"default", "b"});
  EXPECT_TRUE(builder.state().boundAddresses.empty());
}

TEST(DesiredBuilder, TheLosingServiceTakesOverAConflictingKeyWhenTheWinnerGoes) {
  const auto a = withExternalIp(service("a", {"10.96.0.1"}, {port(80)}), "198.51.100.9");
  const auto b = withExternalIp(service("b", {"10.96.0.2"}, {port(80)}), "198.51.100.9");
  const auto slicesB = std::vector{slice("b", {endpoint("10.244.1.5", "node-a")}, {slicePort(8080)})};
  DesiredBuilder builder;
  builder.set(computeService(b, slicesB, nodeA()));
  builder.set(computeService(a, {}, nodeA()));  // arrives later, but sorts first: wins
  const VirtualServiceKey shared{.protocol = Protocol::Tcp, .address = ip("198.51.100.9"), .port = 80};

  EXPECT_EQ(builder.state().services.at(shared).origin.name, "a");
  EXPECT_TRUE(builder.state().problems.contains(ObjectKey{"default", "b"}));
  builder.erase({"default", "a"});
  EXPECT_EQ(builder.state().services.at(shared).origin.name, "b");
  EXPECT_EQ(builder.state().services.at(shared).reals.size(), 1U);
  EXPECT_FALSE(builder.state().problems.contains(ObjectKey{"default", "b"}));
}

TEST(DesiredBuilder, HealthCheckNodePortIsServedOnlyForLocalLoadBalancers) {
  auto lb = service("lb", {"10.96.0.5"}, {port(80, "", Protocol::Tcp, 30080)}, ServiceType::LoadBalancer);
  lb.healthCheckNodePort = 31000;
  auto local = lb;
  local.meta.name = "local";
  local.externalTrafficPolicy = TrafficPolicy::Local;
  const auto state = computeDesired(snapshot({lb, local}, {}), nodeA());
  EXPECT_EQ(state.healthCheckNodePorts, (std::map<ObjectKey, std::uint16_t>{{{"default", "local"}, 31000}}));
}

TEST(DesiredBuilder, ZoneComesFromTheNodeObjectWhenTheContextHasNone) {
  auto snap = snapshot({service("web", {"10.96.0.10"}, {port(80)})},
                       {slice("web",
                              {zoneHints(endpoint("10.244.1.5", "node-c", "zone-x"), {"zone-x"}),
                               zoneHints(endpoint("10.244.2.5", "node-b", "zone-y"), {"zone-y"})},
                              {slicePort(8080)})});
  snap.node = Node{};
  snap.node->meta.labels["topology.kubernetes.io/zone"] = "zone-y";
  auto node = nodeA();
  node.zone.clear();
  const auto state = computeDesired(snap, node);
  ASSERT_EQ(state.services.size(), 1U);
  ASSERT_EQ(state.services.begin()->second.reals.size(), 1U);
  EXPECT_EQ(state.services.begin()->second.reals[0].server.address, ip("10.244.2.5"));
}

TEST(DesiredService, ProblemsAreCopiedOntoEveryVirtualServiceOfTheService) {
  auto svc = service("web", {"10.96.0.10"}, {port(80), port(81)});
  svc.meta.annotations["kipvs.io/scheduler"] = "nope";
  const auto desired = computeService(svc, {}, nodeA());
  ASSERT_EQ(desired.services.size(), 2U);
  for (const auto& vs : desired.services) {
    EXPECT_EQ(vs.problem, "unknown scheduler \"nope\" in kipvs.io/scheduler; programmed with \"rr\"");
  }
}

TEST(DesiredService, SkippedServicesSayWhy) {
  auto svc = service("dns", {}, {port(53)});
  svc.headless = true;
  const auto desired = computeService(svc, {}, nodeA());
  EXPECT_TRUE(desired.services.empty());
  EXPECT_EQ(desired.skipped, "headless Service (clusterIP None)");
}

TEST(DesiredService, RealServersCarryTheirPodAndNode) {
  const auto desired = computeService(
      service("web", {"10.96.0.10"}, {port(80)}),
      std::vector{slice("web", {endpoint("10.244.1.5", "node-a")}, {slicePort(8080)})}, nodeA());
  ASSERT_EQ(desired.services.at(0).reals.size(), 1U);
  const auto& origin = desired.services.at(0).reals[0].endpoint;
  EXPECT_EQ(origin.pod, "pod-10.244.1.5");
  EXPECT_EQ(origin.node, "node-a");
  EXPECT_TRUE(origin.local);
}

TEST(Explain, GivesEveryEndpointItsVerdictPerVirtualService) {
  auto svc = service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::NodePort);
  svc.externalTrafficPolicy = TrafficPolicy::Local;
  const auto slices =
      std::vector{slice("web",
                        {endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b"),
                         notReady(endpoint("10.244.3.5", "node-c")),
                         terminating(endpoint("10.244.4.5", "node-b")), endpoint("fd00::5", "node-b")},
                        {slicePort(8080, "http")}),
                  slice("web", {endpoint("10.244.9.5", "node-a")}, {slicePort(8080, "metrics")})};
  const auto explained = explainService(svc, slices, nodeA());
  ASSERT_EQ(explained.size(), 2U);  // ClusterIP, one NodePort (192.168.1.10)

  const auto verdicts = [](const ExplainedVirtualService& vs) {
    std::vector<std::pair<std::string, EndpointVerdict>> result;
    for (const auto& d : vs.endpoints) {
      result.emplace_back(d.address.toString(), d.verdict);
    }
    return result;
  };
  using V = EndpointVerdict;
  EXPECT_EQ(verdicts(explained[0]),
            (std::vector<std::pair<std::string, V>>{{"10.244.1.5", V::Ready},
                                                    {"10.244.2.5", V::Ready},
                                                    {"10.244.3.5", V::NotReady},
                                                    {"10.244.4.5", V::TerminatingUnneeded},
                                                    {"fd00::5", V::WrongFamily},
                                                    {"10.244.9.5", V::NoPort}}));
  EXPECT_EQ(explained[1].origin.kind, ServiceKind::NodePort);
  EXPECT_EQ(verdicts(explained[1]), (std::vector<std::pair<std::string, V>>{{"10.244.1.5", V::Ready},
                                                                            {"10.244.2.5", V::NotLocal},
                                                                            {"10.244.3.5", V::NotLocal},
                                                                            {"10.244.4.5", V::NotLocal},
                                                                            {"fd00::5", V::WrongFamily},
                                                                            {"10.244.9.5", V::NoPort}}));
  EXPECT_EQ(toString(V::NotLocal), "on another node and the traffic policy is Local");
}

}  // namespace
}  // namespace kipvs::core
