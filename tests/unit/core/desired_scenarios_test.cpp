// Table of desired-state scenarios: a snapshot and a node in, the exact virtual services out.

#include <gtest/gtest.h>

#include "desired_scenario.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

const auto kWeb = [] { return service("web", {"10.96.0.10"}, {port(80, "http")}); };
const auto kWebSlice = [](std::vector<Endpoint> endpoints, std::uint16_t number = 8080) {
  return slice("web", std::move(endpoints), {slicePort(number, "http")});
};
const auto kTwoNodes = [] {
  return std::vector{endpoint("10.244.1.5", "node-a"), endpoint("10.244.2.5", "node-b")};
};

std::vector<Scenario> basics() {
  return {
      {"ClusterIpServiceGetsOneVirtualServiceWithItsReadyEndpoints",
       snapshot({kWeb()}, {kWebSlice(kTwoNodes())}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"ServiceWithoutEndpointsStillGetsItsVirtualService",
       snapshot({kWeb()}, {}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> (none)"}},
      {"MultiPortServiceMapsEachPortToTheSlicePortOfTheSameName",
       snapshot({service("web", {"10.96.0.10"}, {port(80, "http"), port(443, "https")})},
                {slice("web", {endpoint("10.244.1.5", "node-a")},
                       {slicePort(8080, "http"), slicePort(8443, "https")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "ClusterIP TCP 10.96.0.10:443 rr -> 10.244.1.5:8443"}},
      {"UdpAndSctpPortsKeepTheirProtocol",
       snapshot(
           {service("dns", {"10.96.0.53"}, {port(53, "dns", Protocol::Udp), port(9, "sig", Protocol::Sctp)})},
           {slice("dns", {endpoint("10.244.1.7", "node-a")},
                  {slicePort(5353, "dns", Protocol::Udp), slicePort(9999, "sig", Protocol::Sctp)})}),
       {"ClusterIP UDP 10.96.0.53:53 rr -> 10.244.1.7:5353",
        "ClusterIP SCTP 10.96.0.53:9 rr -> 10.244.1.7:9999"}},
      {"NamedTargetPortResolvesToEachSlicesOwnPortNumber",
       snapshot({kWeb()}, {kWebSlice({endpoint("10.244.1.5", "node-a")}, 8080),
                           kWebSlice({endpoint("10.244.2.5", "node-b")}, 9090)}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:9090"}},
      {"EndpointsWhoseSliceLacksThePortNameAreLeftOut",
       snapshot({kWeb()}, {slice("web", {endpoint("10.244.1.5", "node-a")}, {slicePort(8080, "metrics")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> (none)"}},
      {"SlicePortOfAnotherProtocolIsNotMatched",
       snapshot({kWeb()},
                {slice("web", {endpoint("10.244.1.5", "node-a")}, {slicePort(8080, "http", Protocol::Udp)})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> (none)"}},
      {"UnnamedSingleServicePortMatchesTheUnnamedSlicePort",
       snapshot({service("api", {"10.96.0.1"}, {port(443)})},
                {slice("api", {endpoint("192.168.1.10", "node-a")}, {slicePort(6443)})}),
       {"ClusterIP TCP 10.96.0.1:443 rr -> 192.168.1.10:6443"}},
      {"HeadlessServiceYieldsNothing",
       snapshot({with(kWeb(), [](Service& s) { s.headless = true, s.clusterIPs.clear(); })},
                {kWebSlice(kTwoNodes())}),
       {}},
      {"ExternalNameServiceYieldsNothingEvenWithAClusterIp",
       snapshot({with(kWeb(), [](Service& s) { s.type = ServiceType::ExternalName; })}, {}),
       {}},
      {"ServiceHandedToAnotherProxyYieldsNothing",
       snapshot({with(kWeb(),
                      [](Service& s) { s.meta.labels["service.kubernetes.io/service-proxy-name"] = "x"; })},
                {}),
       {}},
      {"StaticServiceIsMarkedStatic",
       snapshot({with(kWeb(), [](Service& s) { s.staticSource = true; })}, {kWebSlice(kTwoNodes())}),
       {"Static TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
  };
}

std::vector<Scenario> conditions() {
  return {
      {"NotReadyEndpointsAreLeftOut",
       snapshot({kWeb()},
                {kWebSlice({endpoint("10.244.1.5", "node-a"), notReady(endpoint("10.244.2.5", "node-b"))})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"TerminatingEndpointsAreLeftOutWhileAnyIsReady",
       snapshot({kWeb()}, {kWebSlice({endpoint("10.244.1.5", "node-a"),
                                      terminating(endpoint("10.244.2.5", "node-b"))})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"ServingTerminatingEndpointsAreUsedWhenNoneIsReady",
       snapshot({kWeb()}, {kWebSlice({notReady(endpoint("10.244.1.5", "node-a")),
                                      terminating(endpoint("10.244.2.5", "node-b"))})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080"}},
      {"TerminatingEndpointsThatStoppedServingAreNeverUsed",
       snapshot({kWeb()}, {kWebSlice({terminating(endpoint("10.244.2.5", "node-b"), false)})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> (none)"}},
      {"DuplicateEndpointAcrossSlicesIsProgrammedOnce",
       snapshot({kWeb()}, {kWebSlice({endpoint("10.244.1.5", "node-a")}), kWebSlice(kTwoNodes())}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080 10.244.2.5:8080"}},
      {"OnlyTheFirstAddressOfAnEndpointIsUsed",
       snapshot({kWeb()}, {kWebSlice({[] {
                  auto ep = endpoint("10.244.1.5", "node-a");
                  ep.addresses.push_back(ip("10.244.1.6"));
                  return ep;
                }()})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
  };
}

std::vector<Scenario> dualStack() {
  const auto dual = [] {
    return service("web", {"10.96.0.10", "fd00:96::10"}, {port(80, "http", Protocol::Tcp, 30080)},
                   ServiceType::NodePort);
  };
  const auto v6Slice = [] {
    return slice("web", {endpoint("fd00:244::5", "node-a")}, {slicePort(8080, "http")}, AddressType::IPv6);
  };
  return {
      {"DualStackServiceGetsOneVirtualServicePerFamilyFromThatFamilysSlices",
       snapshot({service("web", {"10.96.0.10", "fd00:96::10"}, {port(80, "http")})},
                {kWebSlice({endpoint("10.244.1.5", "node-a")}), v6Slice()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "ClusterIP TCP [fd00:96::10]:80 rr -> [fd00:244::5]:8080"}},
      {"DualStackNodePortUsesTheNodeAddressesOfEachFamily",
       snapshot({dual()}, {kWebSlice({endpoint("10.244.1.5", "node-a")}), v6Slice()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080",
        "NodePort TCP [fd00:1::10]:30080 rr unbound -> [fd00:244::5]:8080",
        "ClusterIP TCP [fd00:96::10]:80 rr -> [fd00:244::5]:8080"}},
      {"SingleStackServiceIgnoresTheOtherFamilysSlices",
       snapshot({kWeb()}, {v6Slice()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> (none)"}},
      {"EndpointAddressOfTheWrongFamilyIsIgnored",
       snapshot({kWeb()}, {kWebSlice({endpoint("fd00:244::5", "node-a"), endpoint("10.244.2.5", "node-b")})}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.2.5:8080"}},
      {"NodeFamiliesLimitTheFamiliesProgrammed",
       snapshot({dual()}, {kWebSlice({endpoint("10.244.1.5", "node-a")}), v6Slice()}),
       {"NodePort TCP [fd00:1::10]:30080 rr unbound -> [fd00:244::5]:8080",
        "ClusterIP TCP [fd00:96::10]:80 rr -> [fd00:244::5]:8080"},
       [](NodeContext& node) { node.families = {IpFamily::V6}; }},
  };
}

std::vector<Scenario> external() {
  const auto nodePort = [] {
    return service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::NodePort);
  };
  const auto lb = [](std::vector<LoadBalancerIngress> ingress) {
    auto svc =
        service("web", {"10.96.0.10"}, {port(80, "http", Protocol::Tcp, 30080)}, ServiceType::LoadBalancer);
    svc.loadBalancerIngress = std::move(ingress);
    return svc;
  };
  const auto oneEp = [] { return kWebSlice({endpoint("10.244.1.5", "node-a")}); };
  return {
      {"NodePortGoesUnboundOnNodeAddressesButNotLoopbackOrIpv6LinkLocal",
       snapshot({nodePort()}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080"}},
      {"NodePortOnIpv4LinkLocalAddressIsKept",
       snapshot({nodePort()}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "NodePort TCP 169.254.3.3:30080 rr unbound -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080"},
       [](NodeContext& node) { node.nodeAddresses.push_back(ip("169.254.3.3")); }},
      {"NodePortAddressesRestrictWhereNodePortsGo",
       snapshot({nodePort()}, {oneEp()}),
       {"NodePort TCP 10.0.0.10:30080 rr unbound -> 10.244.1.5:8080",
        "ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"},
       [](NodeContext& node) {
         node.nodeAddresses.push_back(ip("10.0.0.10"));
         node.nodePortAddresses = {cidr("10.0.0.0/8")};
       }},
      {"NodePortFieldOnAClusterIpServiceIsIgnored",
       snapshot({with(nodePort(), [](Service& s) { s.type = ServiceType::ClusterIP; })}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080"}},
      {"LoadBalancerGetsItsIngressIpsBoundAndItsNodePorts",
       snapshot({lb({ingress("203.0.113.7")})}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr -> 10.244.1.5:8080"}},
      {"LoadBalancerIngressInProxyModeOrHostnameOnlyIsSkipped",
       snapshot({lb({ingress("203.0.113.7", true), hostnameIngress("lb.example.com")})}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "NodePort TCP 192.168.1.10:30080 rr unbound -> 10.244.1.5:8080"}},
      {"LoadBalancerWithoutNodePortsHasOnlyItsIngress",
       snapshot({with(lb({ingress("203.0.113.7")}), [](Service& s) { s.ports[0].nodePort = 0; })}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr -> 10.244.1.5:8080"}},
      {"LoadBalancerSourceRangesOfTheIngressFamilyGoToTheFirewall",
       snapshot({with(lb({ingress("203.0.113.7")}),
                      [](Service& s) {
                        s.ports[0].nodePort = 0;
                        s.loadBalancerSourceRanges = {cidr("198.51.100.0/24"), cidr("2001:db8::/32")};
                      })},
                {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "LoadBalancer TCP 203.0.113.7:80 rr range=198.51.100.0/24 -> 10.244.1.5:8080"}},
      {"ExternalIpsGetBoundVirtualServicesOnTheServicePort",
       snapshot({with(kWeb(), [](Service& s) { s.externalIPs = {ip("198.51.100.9")}; })}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "ExternalIP TCP 198.51.100.9:80 rr -> 10.244.1.5:8080"}},
      {"ExternalIpThatIsANodeAddressIsNotBoundOnKipvs0",
       snapshot({with(kWeb(), [](Service& s) { s.externalIPs = {ip("192.168.1.10")}; })}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "ExternalIP TCP 192.168.1.10:80 rr unbound -> 10.244.1.5:8080"}},
      {"ExternalIpOfAFamilyTheServiceLacksIsReported",
       snapshot({with(kWeb(), [](Service& s) { s.externalIPs = {ip("2001:db8::9")}; })}, {oneEp()}),
       {"ClusterIP TCP 10.96.0.10:80 rr -> 10.244.1.5:8080",
        "problem default/web: externalIP 2001:db8::9 ignored: the Service has no IPv6 clusterIP on this "
        "node"}},
  };
}

std::vector<Scenario> all() {
  std::vector<Scenario> result;
  for (auto part : {basics(), conditions(), dualStack(), external()}) {
    result.insert(result.end(), part.begin(), part.end());
  }
  return result;
}

class DesiredScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(DesiredScenario, ProgramsExactlyTheExpectedVirtualServices) {
  EXPECT_EQ(run(GetParam()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Core, DesiredScenario, ::testing::ValuesIn(all()),
                         [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace kipvs::core
