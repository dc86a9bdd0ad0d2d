#include "field_table.hpp"

namespace kipvs::app::testing {
namespace {

using k8s::ResourceKind;
using Path = JsonDoc::Path;

JsonDoc s(std::string_view text) {
  return JsonDoc::str(text);
}
JsonDoc r(const std::string& text) {
  return JsonDoc::parse(text);
}
FieldValue set(std::string text) {
  return {text, r(text)};
}
FieldValue absent() {
  return {"absent", std::nullopt};
}
FieldValue null() {
  return {"null", r("null")};
}
FieldValue emptyList() {
  return {"[]", r("[]")};
}

const ObjectRef kWeb{ResourceKind::Service, "web"};
const ObjectRef kWebSlice{ResourceKind::EndpointSlice, "web-a"};
const ObjectRef kNode{ResourceKind::Node, "node-a"};

JsonDoc meta(const std::string& name, JsonDoc labels) {
  return JsonDoc::object({{"name", s(name)},
                          {"namespace", s(kNamespace)},
                          {"uid", s("uid-" + name)},
                          {"resourceVersion", s("@RV@")},
                          {"labels", std::move(labels)}});
}

JsonDoc endpoint(const std::string& address, const std::string& node, const std::string& zone,
                 const std::string& pod) {
  return JsonDoc::object(
      {{"addresses", JsonDoc::array({s(address)})},
       {"conditions",
        JsonDoc::object({{"ready", r("true")}, {"serving", r("true")}, {"terminating", r("false")}})},
       {"nodeName", s(node)},
       {"zone", s(zone)},
       {"targetRef", JsonDoc::object({{"kind", s("Pod")}, {"namespace", s(kNamespace)}, {"name", s(pod)}})}});
}

JsonDoc slice(const std::string& name, const std::string& service, const std::string& addressType,
              std::vector<JsonDoc> endpoints, int port) {
  return JsonDoc::object(
      {{"kind", s("EndpointSlice")},
       {"apiVersion", s("discovery.k8s.io/v1")},
       {"metadata", meta(name, JsonDoc::object({{"kubernetes.io/service-name", s(service)},
                                                {"endpointslice.kubernetes.io/managed-by",
                                                 s("endpointslice-controller.k8s.io")}}))},
       {"addressType", s(addressType)},
       {"endpoints", JsonDoc::array(std::move(endpoints))},
       {"ports", JsonDoc::array({JsonDoc::object(
                     {{"name", s("http")}, {"protocol", s("TCP")}, {"port", r(std::to_string(port))}})})}});
}

JsonDoc hint(const std::string& name) {
  return JsonDoc::array({JsonDoc::object({{"name", s(name)}})});
}

Path prefixed(std::initializer_list<std::string> head, const Path& rest) {
  Path out(head);
  for (const auto& segment : rest) {
    out.push_back(segment);
  }
  return out;
}

Path endpointPath(const std::string& index, const Path& rest) {
  return prefixed({"endpoints", index}, rest);
}

// Hints as the EndpointSlice controller writes them for PreferClose: this node's zone gets only the
// zone-a endpoint.
std::vector<FieldEdit> zoneHints() {
  return {{kWebSlice, endpointPath("[0]", {"hints", "forZones"}), hint("zone-a")},
          {kWebSlice, endpointPath("[1]", {"hints", "forZones"}), hint("zone-b")},
          {kWebSlice, endpointPath("[2]", {"hints", "forZones"}), hint("zone-b")}};
}

std::vector<FieldEdit> nodeHints() {
  return {{kWebSlice, endpointPath("[0]", {"hints", "forNodes"}), hint("node-a")},
          {kWebSlice, endpointPath("[1]", {"hints", "forNodes"}), hint("node-b")},
          {kWebSlice, endpointPath("[2]", {"hints", "forNodes"}), hint("node-c")}};
}

std::vector<FieldRow> serviceRows() {
  const Path labels{"metadata", "labels"};
  const Path annotations{"metadata", "annotations"};
  const auto spec = [](const Path& rest) { return prefixed({"spec"}, rest); };
  const Path proxyName{"metadata", "labels", "service.kubernetes.io/service-proxy-name"};
  const Path scheduler{"metadata", "annotations", "kipvs.io/scheduler"};
  const Path flags{"metadata", "annotations", "kipvs.io/scheduler-flags"};
  return {
      {"metadata.labels[service.kubernetes.io/service-proxy-name]",
       kWeb,
       proxyName,
       {set(R"("other-proxy")"), absent()}},
      {"metadata.labels",
       kWeb,
       labels,
       {null(), set("{}"), set(R"({"app":"web"})")},
       {{kWeb, proxyName, s("other-proxy")}}},
      {"metadata.annotations[kipvs.io/scheduler]",
       kWeb,
       scheduler,
       {set(R"("wrr")"), set(R"("sh")"), set(R"("no-such-scheduler")"), absent()}},
      {"metadata.annotations[kipvs.io/scheduler-flags]",
       kWeb,
       flags,
       {set(R"("sh-port")"), set(R"("sh-fallback,sh-port")"), set(R"("no-such-flag")"), absent()},
       {{kWeb, scheduler, s("sh")}}},
      {"metadata.annotations", kWeb, annotations, {null(), set("{}")}, {{kWeb, scheduler, s("wrr")}}},
      {"metadata.uid",
       kWeb,
       {"metadata", "uid"},
       {set(R"("uid-web-2")"), absent(), set(R"("uid-web")")},
       {},
       Effect::NotInDesiredState},
      {"spec.type",
       kWeb,
       spec({"type"}),
       {set(R"("NodePort")"), set(R"("ClusterIP")"), set(R"("ExternalName")"), absent(), null(),
        set(R"("LoadBalancer")")}},
      {"spec.clusterIP",
       kWeb,
       spec({"clusterIP"}),
       {set(R"("10.96.0.11")"), set(R"("None")"), set(R"("")"), absent(), null()},
       {{kWeb, spec({"clusterIPs"}), std::nullopt}}},
      {"spec.clusterIPs",
       kWeb,
       spec({"clusterIPs"}),
       {set(R"(["10.96.0.11"])"), set(R"(["10.96.0.10","fd00:96::10"])"), set(R"(["fd00:96::10"])"),
        set(R"(["None"])"), null(), emptyList(), absent()}},
      {"spec.ports[0].name",
       kWeb,
       spec({"ports", "[0]", "name"}),
       {set(R"("web")"), set(R"("")"), absent(), null()}},
      {"spec.ports[0].protocol",
       kWeb,
       spec({"ports", "[0]", "protocol"}),
       {set(R"("UDP")"), set(R"("SCTP")"), absent(), null()}},
      {"spec.ports[0].port", kWeb, spec({"ports", "[0]", "port"}), {set("81"), set("8080")}},
      {"spec.ports[0].nodePort",
       kWeb,
       spec({"ports", "[0]", "nodePort"}),
       {set("30081"), absent(), null(), set("0")}},
      {"spec.ports",
       kWeb,
       spec({"ports"}),
       {set(R"([{"name":"http","protocol":"TCP","port":80,"nodePort":30080},)"
            R"({"name":"https","protocol":"TCP","port":443,"nodePort":30443}])"),
        emptyList(), null(), absent()}},
      {"spec.externalIPs",
       kWeb,
       spec({"externalIPs"}),
       {set(R"(["203.0.113.6"])"), set(R"(["203.0.113.5","203.0.113.6"])"), set(R"(["192.168.1.10"])"),
        set(R"(["2001:db8::5"])"), emptyList(), null(), absent()}},
      {"status.loadBalancer.ingress",
       kWeb,
       {"status", "loadBalancer", "ingress"},
       {set(R"([{"ip":"198.51.100.8"}])"), set(R"([{"hostname":"lb.example.com"}])"),
        set(R"([{"ip":"198.51.100.7"},{"ip":"198.51.100.9"}])"), emptyList(), null(), absent()}},
      {"status.loadBalancer", kWeb, {"status", "loadBalancer"}, {null(), set("{}"), absent()}},
      {"status.loadBalancer.ingress[0].ipMode",
       kWeb,
       {"status", "loadBalancer", "ingress", "[0]", "ipMode"},
       {set(R"("Proxy")"), set(R"("VIP")"), absent(), set(R"("Proxy")"), null()}},
      {"spec.loadBalancerSourceRanges",
       kWeb,
       spec({"loadBalancerSourceRanges"}),
       {set(R"(["10.0.0.0/8"])"), set(R"(["10.0.0.0/8","192.0.2.0/24"])"), set(R"(["fd00::/8"])"),
        emptyList(), null(), absent()}},
      {"spec.sessionAffinity",
       kWeb,
       spec({"sessionAffinity"}),
       {set(R"("ClientIP")"), set(R"("None")"), set(R"("ClientIP")"), absent(), null()}},
      {"spec.sessionAffinityConfig.clientIP.timeoutSeconds",
       kWeb,
       spec({"sessionAffinityConfig", "clientIP", "timeoutSeconds"}),
       {set("60"), set("3600"), absent(), null()},
       {{kWeb, spec({"sessionAffinity"}), s("ClientIP")}}},
      {"spec.sessionAffinityConfig",
       kWeb,
       spec({"sessionAffinityConfig"}),
       {null(), set("{}"), set(R"({"clientIP":null})"), absent()},
       {{kWeb, spec({"sessionAffinity"}), s("ClientIP")},
        {kWeb, spec({"sessionAffinityConfig", "clientIP", "timeoutSeconds"}), r("60")}}},
      {"spec.externalTrafficPolicy",
       kWeb,
       spec({"externalTrafficPolicy"}),
       {set(R"("Local")"), set(R"("Cluster")"), set(R"("Local")"), absent(), set(R"("Local")"), null()}},
      {"spec.internalTrafficPolicy",
       kWeb,
       spec({"internalTrafficPolicy"}),
       {set(R"("Local")"), absent(), set(R"("Local")"), null()}},
      {"spec.trafficDistribution",
       kWeb,
       spec({"trafficDistribution"}),
       {set(R"("PreferClose")"), set(R"("PreferSameNode")"), set(R"("PreferSameZone")"),
        set(R"("SomethingNew")"), set(R"("PreferSameNode")"), absent(), set(R"("PreferSameNode")"), null()},
       {},
       Effect::StaticOnly},
      {"spec.healthCheckNodePort",
       kWeb,
       spec({"healthCheckNodePort"}),
       {set("32000"), set("32001"), absent(), set("32000"), null()},
       {{kWeb, spec({"externalTrafficPolicy"}), s("Local")}}},
  };
}

std::vector<FieldRow> sliceRows() {
  const auto first = [](const Path& rest) { return endpointPath("[0]", rest); };
  const auto every = [](const Path& rest) { return endpointPath("[*]", rest); };
  auto notReady = std::vector<FieldEdit>{{kWebSlice, every({"conditions", "ready"}), r("false")}};
  auto terminatingAll = notReady;
  terminatingAll.push_back({kWebSlice, every({"conditions", "terminating"}), r("true")});
  return {
      {"metadata.labels[kubernetes.io/service-name]",
       kWebSlice,
       {"metadata", "labels", "kubernetes.io/service-name"},
       {set(R"("api")"), set(R"("no-such-service")"), absent(), set(R"("web")")}},
      {"addressType",
       kWebSlice,
       {"addressType"},
       {set(R"("IPv6")"), set(R"("FQDN")"), set(R"("IPv4")"), absent()}},
      {"endpoints[0].addresses",
       kWebSlice,
       first({"addresses"}),
       {set(R"(["10.244.1.6"])"), set(R"(["10.244.1.6","10.244.1.7"])"), set(R"(["10.244.2.5"])"),
        set(R"(["fd00:244::9"])"), emptyList(), null(), absent()}},
      {"endpoints[0].conditions.ready",
       kWebSlice,
       first({"conditions", "ready"}),
       {set("false"), set("true"), set("false"), null(), set("false"), absent()}},
      {"endpoints[0].conditions.serving",
       kWebSlice,
       first({"conditions", "serving"}),
       {set("false"), set("true"), set("false"), null(), set("false"), absent()},
       terminatingAll},
      {"endpoints[0].conditions.terminating",
       kWebSlice,
       first({"conditions", "terminating"}),
       {set("true"), set("false"), set("true"), null(), set("true"), absent()},
       notReady},
      {"endpoints[0].conditions",
       kWebSlice,
       first({"conditions"}),
       {set(R"({"ready":false})"), null(), set(R"({"ready":false,"serving":true,"terminating":true})"),
        set("{}"), set(R"({"ready":false})"), absent()}},
      {"endpoints[0].nodeName",
       kWebSlice,
       first({"nodeName"}),
       {set(R"("node-b")"), set(R"("node-a")"), absent(), set(R"("node-a")"), null()}},
      {"endpoints[*].zone",
       kWebSlice,
       every({"zone"}),
       {set(R"("zone-a")"), set(R"("")"), absent(), null()},
       {{kWeb, {"spec", "trafficDistribution"}, s("PreferClose")}},
       Effect::NotInDesiredState},
      {"endpoints[0].targetRef",
       kWebSlice,
       first({"targetRef"}),
       {set(R"({"kind":"Pod","name":"web-9"})"), set(R"({"kind":"Node","name":"node-a"})"), null(),
        absent()}},
      {"endpoints[*].hints.forZones",
       kWebSlice,
       every({"hints", "forZones"}),
       {absent(), set(R"([{"name":"zone-b"}])"), set(R"([{"name":"zone-a"}])"), emptyList(), null()},
       zoneHints(),
       Effect::WatchOnly},
      {"endpoints[*].hints.forNodes",
       kWebSlice,
       every({"hints", "forNodes"}),
       {absent(), set(R"([{"name":"node-b"}])"), set(R"([{"name":"node-a"}])"), emptyList(), null()},
       nodeHints()},
      {"endpoints[*].hints",
       kWebSlice,
       every({"hints"}),
       {null(), set("{}"), set(R"({"forZones":[{"name":"zone-a"}]})"), absent()},
       zoneHints(),
       Effect::WatchOnly},
      {"endpoints",
       kWebSlice,
       {"endpoints"},
       {set(R"([{"addresses":["10.244.1.5"],"nodeName":"node-a"}])"), emptyList(), null(), absent()}},
      {"ports[0].name",
       kWebSlice,
       {"ports", "[0]", "name"},
       {set(R"("web")"), null(), absent(), set(R"("http")")}},
      {"ports[0].protocol", kWebSlice, {"ports", "[0]", "protocol"}, {set(R"("UDP")"), absent(), null()}},
      {"ports[0].port", kWebSlice, {"ports", "[0]", "port"}, {set("8081"), null(), set("0"), absent()}},
      {"ports",
       kWebSlice,
       {"ports"},
       {set(R"([{"name":"http","protocol":"TCP","port":8080},{"name":"https","protocol":"TCP","port":8443}])"),
        emptyList(), null(), absent()}},
  };
}

}  // namespace

World baseWorld() {
  World world;
  world[kWeb] = JsonDoc::object(
      {{"kind", s("Service")},
       {"apiVersion", s("v1")},
       {"metadata", meta("web", JsonDoc::object({{"app", s("web")}}))},
       {"spec",
        JsonDoc::object({{"type", s("LoadBalancer")},
                         {"clusterIP", s("10.96.0.10")},
                         {"clusterIPs", JsonDoc::array({s("10.96.0.10")})},
                         {"ipFamilies", JsonDoc::array({s("IPv4")})},
                         {"ports", r(R"([{"name":"http","protocol":"TCP","port":80,"targetPort":8080,)"
                                     R"("nodePort":30080}])")},
                         {"externalIPs", JsonDoc::array({s("203.0.113.5")})},
                         {"sessionAffinity", s("None")},
                         {"externalTrafficPolicy", s("Cluster")},
                         {"internalTrafficPolicy", s("Cluster")}})},
       {"status", r(R"({"loadBalancer":{"ingress":[{"ip":"198.51.100.7"}]}})")}});
  world[{ResourceKind::Service, "api"}] = JsonDoc::object(
      {{"kind", s("Service")},
       {"apiVersion", s("v1")},
       {"metadata", meta("api", JsonDoc::object({{"app", s("api")}}))},
       {"spec", JsonDoc::object(
                    {{"type", s("ClusterIP")},
                     {"clusterIP", s("10.96.0.20")},
                     {"clusterIPs", JsonDoc::array({s("10.96.0.20")})},
                     {"ports", r(R"([{"name":"http","protocol":"TCP","port":80,"targetPort":8080}])")}})}});
  world[kWebSlice] = slice("web-a", "web", "IPv4",
                           {endpoint("10.244.1.5", "node-a", "zone-a", "web-1"),
                            endpoint("10.244.2.5", "node-b", "zone-b", "web-2"),
                            endpoint("10.244.3.5", "node-c", "zone-b", "web-3")},
                           8080);
  world[{ResourceKind::EndpointSlice, "web-v6"}] =
      slice("web-v6", "web", "IPv6", {endpoint("fd00:244::5", "node-b", "zone-b", "web-2")}, 8080);
  world[{ResourceKind::EndpointSlice, "api-a"}] =
      slice("api-a", "api", "IPv4", {endpoint("10.244.1.9", "node-a", "zone-a", "api-1")}, 8080);
  world[kNode] = JsonDoc::object(
      {{"kind", s("Node")},
       {"apiVersion", s("v1")},
       {"metadata",
        JsonDoc::object({{"name", s("node-a")},
                         {"uid", s("uid-node-a")},
                         {"resourceVersion", s("@RV@")},
                         {"labels", JsonDoc::object({{"topology.kubernetes.io/zone", s("zone-a")}})}})},
       {"status", r(R"({"addresses":[{"type":"InternalIP","address":"192.168.1.10"}]})")}});
  return world;
}

std::vector<FieldRow> fieldRows() {
  auto rows = serviceRows();
  for (auto& row : sliceRows()) {
    rows.push_back(std::move(row));
  }
  rows.push_back({"Node metadata.labels[topology.kubernetes.io/zone]",
                  kNode,
                  {"metadata", "labels", "topology.kubernetes.io/zone"},
                  {set(R"("zone-b")"), absent(), set(R"("zone-a")")},
                  zoneHints(),
                  Effect::WatchOnly});
  return rows;
}

std::string renderForServer(const JsonDoc& object) {
  return object.render();
}

std::string renderForManifest(const JsonDoc& object) {
  auto copy = object;
  copy.set({"metadata", "resourceVersion"}, std::nullopt);
  return copy.render();
}

}  // namespace kipvs::app::testing
