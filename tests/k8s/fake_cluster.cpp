#include "fake_cluster.hpp"

#include <Poco/DeflatingStream.h>

#include <sstream>

#include "k8s/cache.hpp"
#include "k8s/decode_fields.hpp"
#include "k8s/json_reader.hpp"
#include "k8s/watcher.hpp"

namespace kipvs::k8s::testing {

namespace {

std::string labelsJson(const core::Labels& labels) {
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    out.append(out.size() > 1 ? "," : "").append("\"").append(key).append("\":\"").append(value).append("\"");
  }
  return out + "}";
}

}  // namespace

core::ObjectMeta metaOfJson(const std::string& json) {
  JsonReader reader(json);
  core::ObjectMeta meta;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "metadata") {
      detail::readMeta(reader, meta);
    } else {
      reader.skip();
    }
  }
  return meta;
}

namespace {

std::string keyOf(const core::ObjectMeta& meta) {
  return meta.ns + "/" + meta.name;
}

}  // namespace

std::string statusJson(int code, const std::string& reason, const std::string& message,
                       const std::string& extra) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{)" + extra +
         R"(},"status":"Failure","message":")" + message + R"(","reason":")" + reason + R"(","code":)" +
         std::to_string(code) + "}";
}

std::string eventJson(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

std::string bookmarkJson(ResourceKind kind, std::uint64_t rv, bool initialEnd) {
  const std::string annotations = initialEnd ? R"(,"annotations":{"k8s.io/initial-events-end":"true"})" : "";
  const std::string body = kind == ResourceKind::EndpointSlice
                               ? R"(,"addressType":"","endpoints":null,"ports":null)"
                               : R"(,"spec":{})";
  return eventJson("BOOKMARK", R"({"kind":")" + std::string(toString(kind)) +
                                   R"(","metadata":{"resourceVersion":")" + std::to_string(rv) + "\"" +
                                   annotations + "}" + body + "}");
}

std::string serviceJson(const std::string& ns, const std::string& name, const std::string& clusterIP,
                        const core::Labels& labels, const std::string& uid, int port) {
  return R"({"kind":"Service","apiVersion":"v1","metadata":{"name":")" + name + R"(","namespace":")" + ns +
         R"(","uid":")" + (uid.empty() ? "uid-" + name : uid) +
         R"(","resourceVersion":"@RV@","creationTimestamp":null,"labels":)" + labelsJson(labels) +
         R"(},"spec":{"type":"ClusterIP","clusterIP":")" + clusterIP + R"(","clusterIPs":[")" + clusterIP +
         R"("],"ports":[{"name":"http","protocol":"TCP","port":)" + std::to_string(port) +
         R"(,"targetPort":8080}],"sessionAffinity":"None"},"status":{"loadBalancer":{}}})";
}

std::string sliceJson(const std::string& ns, const std::string& name, const std::string& service,
                      const std::vector<std::string>& ips, const core::Labels& labels, int port) {
  core::Labels all = labels;
  all["kubernetes.io/service-name"] = service;
  all["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
  std::string endpoints = ips.empty() ? "null" : "[";
  for (std::size_t i = 0; i < ips.size(); ++i) {
    endpoints += (i ? "," : "") +
                 (R"({"addresses":[")" + ips[i] + R"("],"conditions":{"ready":true},"nodeName":"node-a"})");
  }
  if (!ips.empty()) {
    endpoints += "]";
  }
  return R"({"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"name":")" + name +
         R"(","namespace":")" + ns + R"(","uid":"uid-)" + name + R"(","resourceVersion":"@RV@","labels":)" +
         labelsJson(all) + R"(},"addressType":"IPv4","endpoints":)" + endpoints +
         R"(,"ports":[{"name":"http","protocol":"TCP","port":)" + std::to_string(port) + "}]}";
}

std::string nodeJson(const std::string& name, const std::string& zone) {
  return R"({"kind":"Node","apiVersion":"v1","metadata":{"name":")" + name +
         R"(","uid":"uid-node","resourceVersion":"@RV@","labels":{"topology.kubernetes.io/zone":")" + zone +
         R"("}},"spec":{"podCIDR":"10.244.1.0/24"},"status":{"addresses":[{"type":"InternalIP","address":"172.18.0.11"}]}})";
}

std::string render(const std::string& json, std::uint64_t rv) {
  std::string out = json;
  const auto at = out.find("@RV@");
  if (at != std::string::npos) {
    out.replace(at, 4, std::to_string(rv));
  }
  return out;
}

bool selected(const core::Labels& labels, const std::string& selector) {
  std::stringstream terms(selector);
  std::string term;
  while (std::getline(terms, term, ',')) {
    if (term.empty()) {
      continue;
    }
    if (term[0] == '!') {
      if (labels.count(term.substr(1)) != 0) {
        return false;
      }
    } else if (const auto eq = term.find('='); eq != std::string::npos) {
      const auto it = labels.find(term.substr(0, eq));
      if (it == labels.end() || it->second != term.substr(eq + 1)) {
        return false;
      }
    } else if (labels.count(term) == 0) {
      return false;
    }
  }
  return true;
}

std::string FakeCluster::upsert(ResourceKind kind, const std::string& json) {
  const core::ObjectMeta meta = metaOfJson(json);
  std::string rv;
  {
    const std::lock_guard lock(mutex_);
    auto& stored = objects_[kind][keyOf(meta)];
    const bool existed = stored.rv != 0;
    log_.push_back({++rv_, kind, existed ? "MODIFIED" : "ADDED", json, meta.labels, stored.labels, existed});
    stored = {json, meta.labels, rv_};
    rv = std::to_string(rv_);
  }
  return rv;
}

std::string FakeCluster::remove(ResourceKind kind, const std::string& ns, const std::string& name) {
  const std::lock_guard lock(mutex_);
  auto& objects = objects_[kind];
  const auto it = objects.find(ns + "/" + name);
  if (it == objects.end()) {
    return {};
  }
  log_.push_back({++rv_, kind, "DELETED", it->second.json, it->second.labels, it->second.labels, true});
  objects.erase(it);
  return std::to_string(rv_);
}

void FakeCluster::compact() {
  const std::lock_guard lock(mutex_);
  compactedBefore_ = rv_ + 1;
}

std::uint64_t FakeCluster::resourceVersion() const {
  const std::lock_guard lock(mutex_);
  return rv_;
}

bool FakeCluster::handle(const FakeRequest& request, Responder& out) {
  for (const ResourceKind kind : {ResourceKind::Service, ResourceKind::EndpointSlice, ResourceKind::Node}) {
    if (request.path == collectionPath(kind)) {
      request.isWatch() ? watch(kind, request, out) : list(kind, request, out);
      return true;
    }
  }
  return false;
}

core::ClusterSnapshot FakeCluster::truth() const {
  const std::string selector = proxyLabelSelector("");
  ClusterCache cache;
  Delta delta;
  const std::lock_guard lock(mutex_);
  for (const auto& [kind, objects] : objects_) {
    std::vector<Object> items;
    for (const auto& [key, stored] : objects) {
      if (kind != ResourceKind::Node && !selected(stored.labels, selector)) {
        continue;
      }
      ObjectResult result = decodeObject(render(stored.json, stored.rv), kind);
      if (result.object) {
        items.push_back(std::move(*result.object));
      }
    }
    cache.replace(kind, items, {}, std::to_string(rv_), delta);
  }
  core::ClusterSnapshot snapshot = cache.snapshot();
  snapshot.resourceVersion.clear();
  return snapshot;
}

}  // namespace kipvs::k8s::testing
