#pragma once

// The Kubernetes source (`PocoKubeWatch`): one watcher thread per resource (Services,
// EndpointSlices, and this node's Node when a node name is given), each with its own connection,
// posting SourceEvents to the consumer (the daemon's main loop, through an EventQueue).

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "k8s/api_client.hpp"
#include "k8s/config.hpp"
#include "k8s/subscription.hpp"
#include "k8s/timing.hpp"
#include "k8s/watcher.hpp"

namespace kipvs::k8s {

struct SourceOptions {
  std::string nodeName;   // empty: the Node is not watched
  std::string proxyName;  // Services labelled service-proxy-name=<this> are ours too
  bool watchList = false;
  WatcherOptions watcher;  // timing knobs; selectors are set per resource
};

class KubeSource {
 public:
  KubeSource(const ClusterConfig& config, const SourceOptions& options, const ResourceWatcher::Post& post,
             std::shared_ptr<Timing> timing = std::make_shared<RealTiming>());
  ~KubeSource();
  KubeSource(const KubeSource&) = delete;
  KubeSource& operator=(const KubeSource&) = delete;

  void start();
  void stop();
  std::set<ResourceKind> resources() const;
  const ResourceWatcher* watcher(ResourceKind kind) const;

 private:
  struct Entry {
    ResourceKind kind;
    std::unique_ptr<ApiClient> client;
    std::unique_ptr<ResourceWatcher> watcher;
  };
  std::shared_ptr<Timing> timing_;
  std::vector<Entry> entries_;
  std::vector<std::thread> threads_;
};

}  // namespace kipvs::k8s
