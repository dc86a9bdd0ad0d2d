#pragma once

// The static source: Services and EndpointSlices from a directory of Kubernetes manifests (*.yaml,
// *.yml, *.json; multi-document YAML; `List` kinds), for nodes without an API server and for the demo.
// The directory is read whole on start; after a change (inotify, debounced) only the files that changed
// are parsed again, the others come from a per-file cache. Each read is posted as a complete LIST of both
// resources, so the cache computes the deltas exactly as it does after a relist. A bad file or object is
// reported and skipped (a file that becomes malformed drops only its own objects); the rest is served.

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
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

// The objects of every manifest file, kept per file so that a change re-parses only what changed.
class ManifestCache {
 public:
  // The whole directory, as readManifestDirectory returns it. A file is parsed again when `all`, when its
  // name is in `changed` (inotify said so) or when its inode, size or modification time differ from the
  // last read; otherwise its objects (and errors) come from the cache. Files that are gone are dropped.
  ManifestSet read(const std::filesystem::path& dir, const std::set<std::string>& changed, bool all);

  std::size_t lastParsed() const { return lastParsed_; }  // files parsed by the last read (tests)

 private:
  struct Signature {
    std::uint64_t inode = 0;
    std::int64_t size = -1;
    std::int64_t mtimeNs = 0;
    bool operator==(const Signature&) const = default;
  };
  struct File {
    Signature signature;
    ManifestSet objects;
  };
  std::map<std::filesystem::path, File> files_;
  std::size_t lastParsed_ = 0;
};

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
  std::filesystem::path dir_;
  Post post_;
  int inotifyFd_ = -1;
  int stopFd_ = -1;
  std::thread thread_;
};

}  // namespace kipvs::k8s
