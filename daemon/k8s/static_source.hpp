#pragma once

// The static source: Services and EndpointSlices from a directory of Kubernetes manifests (*.yaml,
// *.yml, *.json; multi-document YAML; `List` kinds), for nodes without an API server and for the demo.
// The directory is read whole on start and posted as a complete LIST of both resources. After a change
// (inotify, debounced; SIGHUP re-reads every file) only the files that changed are parsed again
// (ManifestCache) and their objects are posted as watch events: MODIFIED for what they define now,
// DELETED for what no file defines any more — the cluster cache drops the unchanged ones as
// duplicates. A change thus costs its files, not the directory. A bad file or object is reported and
// skipped (a file that becomes malformed drops only its own objects); the rest is served.

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "k8s/manifest_cache.hpp"
#include "k8s/subscription.hpp"

namespace kipvs::k8s {

class StaticSource {
 public:
  using Post = std::function<void(SourceEvent&&)>;

  StaticSource(std::filesystem::path dir, Post post);
  ~StaticSource();
  StaticSource(const StaticSource&) = delete;
  StaticSource& operator=(const StaticSource&) = delete;

  void start();  // posts the first read, then watches the directory on a thread of its own
  void stop();
  void rescan();  // re-reads every file and posts now (SIGHUP, tests)

 private:
  void watch();
  void post(const std::set<std::string>& changed, bool all);

  std::mutex mutex_;  // rescan (main thread) and the watcher share the cache
  ManifestCache cache_;
  bool listed_ = false;  // the first read went out as LISTs
  std::filesystem::path dir_;
  Post post_;
  int inotifyFd_ = -1;
  int stopFd_ = -1;
  std::thread thread_;
};

}  // namespace kipvs::k8s
