#include "sourced_daemon.hpp"

#include <unistd.h>

#include <fstream>

#include "core/desired_builder.hpp"
#include "k8s/cache.hpp"

namespace kipvs::app::testing {
namespace {

using std::chrono::milliseconds;

std::string kindName(k8s::ResourceKind kind) {
  return std::string(k8s::toString(kind));
}

std::string withVersion(std::string json, std::uint64_t version) {
  const auto at = json.find("@RV@");
  if (at != std::string::npos) {
    json.replace(at, 4, std::to_string(version));
  }
  return json;
}

Config withSource(Config config, SourceKind source) {
  config.source = source;
  if (config.nodeName.empty()) {
    config.nodeName = "node-a";
  }
  config.minSyncPeriod = milliseconds(0);
  config.restoreAfter = milliseconds(0);
  return config;
}

Config inDirectory(Config config, const std::string& name) {
  config.staticDir =
      std::filesystem::temp_directory_path() / ("kipvs-fields-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(config.staticDir);
  std::filesystem::create_directories(config.staticDir);
  return config;
}

}  // namespace

SourcedDaemon::SourcedDaemon(Config config, SourceKind source)
    : config_(withSource(std::move(config), source)) {
  daemon_ = std::make_unique<Daemon>(config_, timers_, host.ports(), timers_.clock());
  daemon_->addListener(host.firewallSync);
}

std::vector<std::string> SourcedDaemon::differences() {
  return differencesFromScratch(*daemon_, host, truth());
}

core::DesiredState SourcedDaemon::fromScratch() {
  const auto snapshot = truth();
  auto node = daemon_->nodeContext();
  node.zone = snapshot.node ? snapshot.node->zone() : std::string{};
  return core::computeDesired(snapshot, node);
}

ManifestDirSource::ManifestDirSource(const std::string& name, Config config)
    : SourcedDaemon(inDirectory(std::move(config), name), SourceKind::Static) {
  source_ = std::make_unique<k8s::StaticSource>(config_.staticDir, [this](k8s::SourceEvent&& event) {
    daemon_->handle(std::move(event));  // rescan() posts on the calling thread
  });
}

ManifestDirSource::~ManifestDirSource() {
  std::error_code ignored;
  std::filesystem::remove_all(config_.staticDir, ignored);
}

std::filesystem::path ManifestDirSource::fileOf(const ObjectRef& ref) const {
  return config_.staticDir / (kindName(ref.kind) + "-" + ref.name + ".json");
}

void ManifestDirSource::put(const ObjectRef& ref, const JsonDoc& object) {
  if (ref.kind == k8s::ResourceKind::Node) {
    return;  // the static source reads Services and EndpointSlices only
  }
  std::ofstream(fileOf(ref), std::ios::trunc) << renderForManifest(object);
}

void ManifestDirSource::remove(const ObjectRef& ref) {
  std::filesystem::remove(fileOf(ref));
}

bool ManifestDirSource::settle() {
  if (!started_) {
    daemon_->start();
    started_ = true;
  }
  source_->rescan();
  settleTimers();
  return daemon_->status().ready && sameObjects(daemon_->snapshot(), truth());
}

core::ClusterSnapshot ManifestDirSource::truth() const {
  auto set = k8s::readManifestDirectory(config_.staticDir);
  k8s::ClusterCache cache;
  k8s::Delta delta;
  cache.replace(k8s::ResourceKind::Service, std::move(set.services.items), {}, "", delta);
  cache.replace(k8s::ResourceKind::EndpointSlice, std::move(set.slices.items), {}, "", delta);
  auto snapshot = cache.snapshot();
  snapshot.resourceVersion.clear();
  return snapshot;
}

EventSource::EventSource(Config config) : SourcedDaemon(std::move(config), SourceKind::Kubernetes) {}

void EventSource::put(const ObjectRef& ref, const JsonDoc& object) {
  const bool known = objects_.contains(ref);
  auto json = withVersion(renderForServer(object), ++resourceVersion_);
  objects_[ref] = json;
  if (listed_) {
    const std::string event =
        R"({"type":")" + std::string(known ? "MODIFIED" : "ADDED") + R"(","object":)" + json + "}";
    daemon_->handle(k8s::SourceEvent::watch(ref.kind, k8s::decodeEvent(event, ref.kind)));
  }
}

void EventSource::remove(const ObjectRef& ref) {
  const auto it = objects_.find(ref);
  if (it == objects_.end()) {
    return;
  }
  // A DELETED event carries the object's last state with a new resourceVersion.
  auto json = it->second;
  objects_.erase(it);
  if (listed_) {
    const std::string event = R"({"type":"DELETED","object":)" + json + "}";
    daemon_->handle(k8s::SourceEvent::watch(ref.kind, k8s::decodeEvent(event, ref.kind)));
  }
  ++resourceVersion_;
}

bool EventSource::settle() {
  if (!listed_) {
    daemon_->start();
    for (const auto kind :
         {k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice, k8s::ResourceKind::Node}) {
      std::string items;
      for (const auto& [ref, json] : objects_) {
        if (ref.kind == kind) {
          items += (items.empty() ? "" : ",") + json;
        }
      }
      const auto list = R"({"metadata":{"resourceVersion":")" + std::to_string(resourceVersion_) +
                        R"("},"items":[)" + items + "]}";
      daemon_->handle(k8s::SourceEvent::listed(kind, k8s::decodeList(list, kind)));
    }
    listed_ = true;
  }
  settleTimers();
  return daemon_->status().ready && sameObjects(daemon_->snapshot(), truth());
}

core::ClusterSnapshot EventSource::truth() const {
  k8s::ClusterCache cache;
  k8s::Delta delta;
  for (const auto kind :
       {k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice, k8s::ResourceKind::Node}) {
    std::vector<k8s::Object> items;
    for (const auto& [ref, json] : objects_) {
      if (ref.kind != kind) {
        continue;
      }
      auto result = k8s::decodeObject(json, kind);
      if (result.object) {
        items.push_back(std::move(*result.object));
      }
    }
    cache.replace(kind, std::move(items), {}, "", delta);
  }
  auto snapshot = cache.snapshot();
  snapshot.resourceVersion.clear();
  return snapshot;
}

}  // namespace kipvs::app::testing
