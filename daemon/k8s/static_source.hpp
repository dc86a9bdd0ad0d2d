#pragma once

// The static source: Services and EndpointSlices from a directory of Kubernetes manifests (*.yaml,
// *.yml, *.json; multi-document YAML; `List` kinds), for nodes without an API server and for the demo.
// The directory is read whole on start and again after every change (inotify, debounced); each read
// is posted as a complete LIST of both resources, so the cache computes the deltas exactly as it does
// after a relist. A bad file or object is reported and skipped; the rest is served.

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "k8s/subscription.hpp"

namespace kipvs::k8s {

struct ManifestSet {
  ListResult services;
  ListResult slices;
  std::vector<std::string> errors;  // "file: reason", one per unreadable file or rejected object
};

// Reads every manifest in `dir` (not recursive, lexical order). Objects without a namespace go to
// "default"; Services are marked as coming from the static source.
ManifestSet readManifestDirectory(const std::filesystem::path& dir);
// One manifest file's text (`json`: a .json file, else YAML), added to `set`; problems become errors
// naming `where`. Pure: what readManifestDirectory does per file.
void readManifestText(std::string_view text, const std::string& where, bool json, ManifestSet& set);

class StaticSource {
 public:
  using Post = std::function<void(SourceEvent&&)>;

  StaticSource(std::filesystem::path dir, Post post);
  ~StaticSource();
  StaticSource(const StaticSource&) = delete;
  StaticSource& operator=(const StaticSource&) = delete;

  void start();  // posts the first read, then watches the directory on a thread of its own
  void stop();
  void rescan();  // reads and posts now (SIGHUP, tests)

 private:
  void watch();

  std::filesystem::path dir_;
  Post post_;
  int inotifyFd_ = -1;
  int stopFd_ = -1;
  std::thread thread_;
};

}  // namespace kipvs::k8s
