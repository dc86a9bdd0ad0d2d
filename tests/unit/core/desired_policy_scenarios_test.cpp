// Table of desired-state scenarios for traffic policies, topology, affinity, schedulers, drains and
// bad input.

#include <gtest/gtest.h>

#include "desired_scenario.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

Service web() {
  return service("web", {"10.96.0.10"}, {port(80, "http")});
}

Service lb(TrafficPolicy external, TrafficPolicy internal = TrafficPolicy::Cluster) {
  auto svc =
      service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::LoadBalancer);
  svc.loadBalancerIngress = {ingress("203.0.113.7")};
  svc.externalTrafficPolicy = external;
  svc.internalTrafficPolicy = internal;
  return svc;
}

EndpointSlice webSlice(std::vector<Endpoint> endpoints) {
  return slice("web", std::move(endpoints), {slicePort(8080, "http")});
}

std::vector<Endpoint> localAndRemote() {
  return {endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")};
}

std::vector<Scenario> policies() {
  return {
      {"InternalTrafficPolicyLocalUsesOnlyThisNodesEndpoints",
       snapshot({with(web(), [](Service& s) { s.internalTrafficPolicy = TrafficPolicy::Local; })},
                {webSlice(localAndRemote())}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> 10.244.1.5:8080"}},
      {"InternalTrafficPolicyLocalWithoutLocalEndpointsHasNoRealServers",
       snapshot({with(web(), [](Service& s) { s.internalTrafficPolicy = TrafficPolicy::Local; })},
                {webSlice({endpoint("10.244.2.5", "node-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> (none)"}},
      {"InternalTrafficPolicyLocalFallsBackToLocalServingTerminatingEndpoints",
       snapshot(
           {with(web(), [](Service& s) { s.internalTrafficPolicy = TrafficPolicy::Local; })},
           {webSlice({terminating(endpoint("10.244.1.5", "node-a")), endpoint("10.244.2.5", "node-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> 10.244.1.5:8080"}},
      {"ExternalTrafficPolicyLocalSendsExternalTrafficOnlyToLocalEndpoints",
       snapshot({lb(TrafficPolicy::Local)}, {webSlice(localAndRemote())}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound local -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr local -> 10.244.1.5:8080"}},
      {"ExternalTrafficPolicyLocalWithoutLocalEndpointsSendsExternalTrafficNowhere",
       snapshot({lb(TrafficPolicy::Local)}, {webSlice({endpoint("10.244.2.5", "node-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound local -> (none)",
        "LoadBalancer TCP 203.0.113.7:80 rr local -> (none)"}},
      {"ExternalTrafficPolicyLocalAppliesToExternalIps",
       snapshot({with(web(),
                      [](Service& s) {
                        s.externalIPs = {ip("198.51.100.9")};
                        s.externalTrafficPolicy = TrafficPolicy::Local;
                      })},
                {webSlice(localAndRemote())}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080",
        "ExternalIP TCP 198.51.100.9:80 rr local -> 10.244.1.5:8080"}},
      {"BothPoliciesLocalKeepEveryVirtualServiceOnLocalEndpoints",
       snapshot({lb(TrafficPolicy::Local, TrafficPolicy::Local)}, {webSlice(localAndRemote())}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound local -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr local -> 10.244.1.5:8080"}},
      {"ExternalTrafficPolicyLocalFallsBackToLocalServingTerminatingEndpoints",
       snapshot({lb(TrafficPolicy::Local)}, {webSlice({terminating(endpoint("10.244.1.5", "node-a")),
                                                       endpoint("10.244.2.5", "node-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound local -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr local -> 10.244.1.5:8080"}},
      {"SctpNodePortIsProgrammedLikeTcp",
       snapshot(
           {service("sig", {"10.96.0.20"}, {port(9, "sig", Protocol::Sctp, 30009)}, ServiceType::NodePort)},
           {slice("sig", {endpoint("10.244.1.9", "node-a")}, {slicePort(9999, "sig", Protocol::Sctp)})}),
       {"ClusterIP SCTP 10.96.0.20:9 rr -> 10.244.1.9:9999",
        "NodePort SCTP 192.168.1.10:30009 rr unbound -> 10.244.1.9:9999"}},
      {"DualStackLoadBalancerUsesEachIngressIpWithItsFamilysEndpoints",
       snapshot(
           {with(service("web", {"10.96.0.10", "fd00:96::10"}, {port(80, "http")}, ServiceType::LoadBalancer),
                 [](Service& s) {
                   s.loadBalancerIngress = {ingress("203.0.113.7"), ingress("2001:db8::7")};
                 })},
           {webSlice({endpoint("10.244.1.5", "node-a")}),
            slice("web", {endpoint("fd00:244::5", "node-a")}, {slicePort(8080, "http")}, AddressType::IPv6)}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr -> 10.244.1.5:8080",
        "LoadBalancer TCP [2001:db8::7]:80 rr -> [fd00:244::5]:8080",
        "ClusterIP TCP [fd00:96::10]:80 rr -> [fd00:244::5]:8080"}},
      {"InternalTrafficPolicyLocalLeavesExternalVirtualServicesOnAllEndpoints",
       snapshot({lb(TrafficPolicy::Cluster, TrafficPolicy::Local)}, {webSlice(localAndRemote())}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080 10.244.2.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
  };
}

std::vector<Scenario> topology() {
  const auto zoned = [](const char* address, const char* node, const char* zone,
                        std::vector<std::string> hints) {
    return zoneHints(endpoint(address, node, zone), std::move(hints));
  };
  const auto distributed = [](TrafficDistribution distribution) {
    return with(web(), [=](Service& s) { s.trafficDistribution = distribution; });
  };
  // No EndpointSlice controller writes hints for static Services: kipvs derives them.
  const auto staticDistributed = [](TrafficDistribution distribution) {
    return with(web(), [=](Service& s) {
      s.trafficDistribution = distribution;
      s.staticSource = true;
    });
  };
  return {
      {"ZoneHintsNarrowClusterEndpointsToThisZone",
       snapshot({web()}, {webSlice({zoned("10.244.1.5", "node-c", "zone-a", {"zone-a"}),
                                    zoned("10.244.2.5", "node-b", "zone-b", {"zone-b"})})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"ZoneHintsAreIgnoredWhenAnyReadyEndpointLacksThem",
       snapshot({web()}, {webSlice({zoned("10.244.1.5", "node-c", "zone-a", {"zone-a"}),
                                    endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"ZoneHintsNamingNoEndpointForThisZoneAreIgnored",
       snapshot({web()}, {webSlice({zoned("10.244.1.5", "node-c", "zone-b", {"zone-b"}),
                                    zoned("10.244.2.5", "node-b", "zone-c", {"zone-c"})})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"NodeHintsNarrowClusterEndpointsToThisNode",
       snapshot({web()}, {webSlice({nodeHints(endpoint("10.244.1.5", "node-a"), {"node-a"}),
                                    nodeHints(endpoint("10.244.2.5", "node-b"), {"node-b"})})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      // kube-proxy (pkg/proxy/topology.go): without hints there is no topology; the EndpointSlice
      // controller drops hints on purpose (unbalanced zones), so every endpoint serves again.
      {"PreferCloseWithoutHintsFromTheApiServerUsesEveryEndpoint",
       snapshot({distributed(TrafficDistribution::PreferClose)},
                {webSlice({endpoint("10.244.1.5", "node-c", "zone-a"),
                           endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"PreferSameNodeWithoutHintsFromTheApiServerUsesEveryEndpoint",
       snapshot({distributed(TrafficDistribution::PreferSameNode)},
                {webSlice({endpoint("10.244.1.5", "node-a", "zone-a"),
                           endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"AnEmptyZoneHintListIsNoHint",
       snapshot({web()}, {webSlice({zoned("10.244.1.5", "node-c", "zone-a", {"zone-a"}),
                                    zoned("10.244.2.5", "node-b", "zone-b", {})})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"StaticPreferCloseWithoutHintsPrefersEndpointsInThisZone",
       snapshot({staticDistributed(TrafficDistribution::PreferClose)},
                {webSlice({endpoint("10.244.1.5", "node-c", "zone-a"),
                           endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"Static TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"StaticPreferSameNodeWithoutHintsPrefersLocalEndpoints",
       snapshot(
           {staticDistributed(TrafficDistribution::PreferSameNode)},
           {webSlice({endpoint("10.244.1.5", "node-a", "zone-a"), endpoint("10.244.3.5", "node-c", "zone-a"),
                      endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"Static TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"StaticPreferSameNodeWithoutLocalEndpointsPrefersThisZone",
       snapshot({staticDistributed(TrafficDistribution::PreferSameNode)},
                {webSlice({endpoint("10.244.3.5", "node-c", "zone-a"),
                           endpoint("10.244.2.5", "node-b", "zone-b")})}),
       {"Static TCP 10.96.0.10:80 rr -> 10.244.3.5:8080"}},
      {"PreferCloseWithNoEndpointInThisZoneUsesAll",
       snapshot({distributed(TrafficDistribution::PreferClose)},
                {webSlice({endpoint("10.244.2.5", "node-b", "zone-b"),
                           endpoint("10.244.3.5", "node-c", "zone-c")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080 10.244.3.5:8080"}},
      {"TopologyIsIgnoredWhenTheTrafficPolicyIsLocal",
       snapshot({with(web(), [](Service& s) { s.internalTrafficPolicy = TrafficPolicy::Local; })},
                {webSlice({zoned("10.244.1.5", "node-a", "zone-b", {"zone-b"}),
                           zoned("10.244.2.5", "node-b", "zone-a", {"zone-a"})})}),
       {"ClusterIP TCP 10.96.0.10:80 rr local -> 10.244.1.5:8080"}},
      {"TerminatingFallbackIgnoresTopology",
       snapshot({web()}, {webSlice({terminating(zoned("10.244.2.5", "node-b", "zone-b", {"zone-b"}))})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080"}},
  };
}

std::vector<Scenario> attributes() {
  const auto annotated = [](Labels annotations) {
    return with(web(), [&](Service& s) { s.meta.annotations = annotations; });
  };
  const auto affinity = [](std::uint32_t timeout) {
    return with(web(), [=](Service& s) {
      s.clientIPAffinity = true;
      s.affinityTimeoutSeconds = timeout;
    });
  };
  const auto one = [] { return webSlice({endpoint("10.244.1.5", "node-a")}); };
  return {
      {"ClientIpAffinityMakesTheVirtualServicePersistentWithItsTimeout",
       snapshot({affinity(10800)}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 rr flags=0x1 timeout=10800 -> 10.244.1.5:8080"}},
      {"ShortAffinityTimeoutIsProgrammedAsGiven",
       snapshot({affinity(30)}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 rr flags=0x1 timeout=30 -> 10.244.1.5:8080"}},
      {"AffinityTimeoutZeroIsReportedAndTheDefaultUsed",
       snapshot({affinity(0)}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 rr flags=0x1 timeout=10800 -> 10.244.1.5:8080",
        "problem default/web: sessionAffinity timeout 0 is invalid; using 10800 s"}},
      {"SchedulerAnnotationChoosesTheScheduler",
       snapshot({annotated({{"kipvs.io/scheduler", "wlc"}})}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 wlc -> 10.244.1.5:8080"}},
      {"UnknownSchedulerIsReportedAndTheDefaultProgrammed",
       snapshot({annotated({{"kipvs.io/scheduler", "fastest"}})}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "problem default/web: unknown scheduler \"fastest\" in kipvs.io/scheduler; programmed with \"rr\""}},
      {"DefaultSchedulerComesFromTheNodeContext",
       snapshot({web()}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 lc -> 10.244.1.5:8080"},
       [](NodeContext& node) { node.defaultScheduler = "lc"; }},
      {"MaglevHashingGetsThePortFlagByDefault",
       snapshot({annotated({{"kipvs.io/scheduler", "mh"}})}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 mh flags=0x10 -> 10.244.1.5:8080"}},
      {"SchedulerFlagsSetSourceHashFallbackAndPort",
       snapshot(
           {annotated({{"kipvs.io/scheduler", "sh"}, {"kipvs.io/scheduler-flags", "sh-fallback, port"}})},
           {one()}),
       {"ClusterIP TCP 10.96.0.10:80 sh flags=0x18 -> 10.244.1.5:8080"}},
      {"UnknownSchedulerFlagIsReportedAndTheOthersKept",
       snapshot({annotated({{"kipvs.io/scheduler", "mh"}, {"kipvs.io/scheduler-flags", "fallback,sticky"}})},
                {one()}),
       {"ClusterIP TCP 10.96.0.10:80 mh flags=0x8 -> 10.244.1.5:8080",
        "problem default/web: unknown mh flag \"sticky\" in kipvs.io/scheduler-flags; ignored"}},
      {"SchedulerFlagsOnAnotherSchedulerAreReportedAndIgnored",
       snapshot({annotated({{"kipvs.io/scheduler-flags", "fallback"}})}, {one()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "problem default/web: kipvs.io/scheduler-flags \"fallback\" ignored: flags apply only to the sh and "
        "mh "
        "schedulers, not \"rr\""}},
      {"AffinityAndSchedulerFlagsCombine",
       snapshot({with(affinity(60),
                      [](Service& s) {
                        s.meta.annotations = {{"kipvs.io/scheduler", "mh"}};
                      })},
                {one()}),
       {"ClusterIP TCP 10.96.0.10:80 mh flags=0x11 timeout=60 -> 10.244.1.5:8080"}},
  };
}

std::vector<Scenario> badInputAndDrains() {
  const auto both = [] {
    return webSlice({endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")});
  };
  return {
      {"PortZeroIsReportedAndOnlyThatPortSkipped",
       snapshot({service("web", {"10.96.0.10"}, {port(0, "bad"), port(80, "http")})}, {both()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080",
        "problem default/web: port \"bad\" has port number 0; skipped"}},
      {"DuplicatePortIsReportedAndTheSecondSkipped",
       snapshot({service("web", {"10.96.0.10"}, {port(80, "http"), port(80, "again")})}, {both()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080",
        "problem default/web: port 80/TCP is listed twice; the second is skipped"}},
      {"ServiceWithoutClusterIpIsReportedAndOthersStillProgrammed",
       snapshot({service("web", {}, {port(80, "http")}), service("api", {"10.96.0.1"}, {port(443)})},
                {both()}),
       {"ClusterIP TCP 10.96.0.1:443 rr -> (none)",
        "problem default/web: no usable clusterIP; nothing programmed"}},
      {"DrainedEndpointStaysWithWeightZero",
       snapshot({web()}, {both()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080/w0 10.244.2.5:8080"},
       [](NodeContext& node) { node.drains.endpoints = {ip("10.244.1.5")}; }},
      {"DrainedServiceKeepsEveryRealServerAtWeightZero",
       snapshot({web()}, {both()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080/w0 10.244.2.5:8080/w0"},
       [](NodeContext& node) {
         node.drains.services = {ObjectKey{"default", "web"}};
       }},
      {"TwoServicesClaimingOneVirtualServiceLetTheSmallerNameWin",
       snapshot({with(web(), [](Service& s) { s.externalIPs = {ip("198.51.100.9")}; }),
                 with(service("api", {"10.96.0.1"}, {port(80, "http")}),
                      [](Service& s) { s.externalIPs = {ip("198.51.100.9")}; })},
                {both()}),
       {"ClusterIP TCP 10.96.0.1:80 rr -> (none)",
        "ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080",
        "ExternalIP TCP 198.51.100.9:80 rr -> (none)",
        "problem default/web: virtual service TCP 198.51.100.9:80 is also derived from default/api, which "
        "takes "
        "precedence"}},
  };
}

std::vector<Scenario> all() {
  std::vector<Scenario> result;
  for (auto part : {policies(), topology(), attributes(), badInputAndDrains()}) {
    result.insert(result.end(), part.begin(), part.end());
  }
  return result;
}

class DesiredPolicyScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(DesiredPolicyScenario, ProgramsExactlyTheExpectedVirtualServices) {
  EXPECT_EQ(run(GetParam()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Core, DesiredPolicyScenario, ::testing::ValuesIn(all()),
                         [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace kipvs::core
