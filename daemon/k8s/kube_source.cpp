#include "k8s/kube_source.hpp"

namespace kipvs::k8s {

KubeSource::KubeSource(const ClusterConfig& config, const SourceOptions& options,
                       const ResourceWatcher::Post& post, std::shared_ptr<Timing> timing)
    : timing_(std::move(timing)) {
  auto tokens = std::make_shared<TokenSource>(config.token, config.tokenFile);
  std::vector<ResourceKind> kinds{ResourceKind::Service, ResourceKind::EndpointSlice};
  if (!options.nodeName.empty()) {
    kinds.push_back(ResourceKind::Node);
  }
  for (const ResourceKind kind : kinds) {
    WatcherOptions watcherOptions = options.watcher;
    watcherOptions.watchList = options.watchList;
    if (kind == ResourceKind::Node) {
      watcherOptions.fieldSelector = "metadata.name=" + options.nodeName;
    } else {
      watcherOptions.labelSelector = proxyLabelSelector(options.proxyName);
      if (!options.proxyName.empty()) {
        watcherOptions.accept = [name = options.proxyName](const core::ObjectMeta& meta) {
          return acceptsProxyName(meta, name);
        };
      }
    }
    Entry entry{kind, std::make_unique<ApiClient>(config, tokens), nullptr};
    entry.watcher =
        std::make_unique<ResourceWatcher>(*entry.client, kind, std::move(watcherOptions), *timing_, post);
    entries_.push_back(std::move(entry));
  }
}

KubeSource::~KubeSource() {
  stop();
}

void KubeSource::start() {
  for (auto& entry : entries_) {
    threads_.emplace_back([watcher = entry.watcher.get()] { watcher->run(); });
  }
}

void KubeSource::stop() {
  for (auto& entry : entries_) {
    entry.watcher->stop();
  }
  for (auto& thread : threads_) {
    thread.join();
  }
  threads_.clear();
}

std::set<ResourceKind> KubeSource::resources() const {
  std::set<ResourceKind> kinds;
  for (const auto& entry : entries_) {
    kinds.insert(entry.kind);
  }
  return kinds;
}

const ResourceWatcher* KubeSource::watcher(ResourceKind kind) const {
  for (const auto& entry : entries_) {
    if (entry.kind == kind) {
      return entry.watcher.get();
    }
  }
  return nullptr;
}

}  // namespace kipvs::k8s
