#pragma once

// The fake API server's state: objects with resourceVersions, an event history, LIST with
// pagination and label/field selectors, WATCH from an RV (replay + live, selector transitions as
// ADDED/DELETED), bookmarks, watch-list, compaction (410). Tests script deviations around it.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "fake_api_server.hpp"
#include "k8s/decode.hpp"

namespace kipvs::k8s::testing {

// JSON for objects; "@RV@" is replaced by the cluster's resourceVersion when served.
std::string serviceJson(const std::string& ns, const std::string& name, const std::string& clusterIP,
                        const core::Labels& labels = {}, const std::string& uid = "", int port = 80);
std::string sliceJson(const std::string& ns, const std::string& name, const std::string& service,
                      const std::vector<std::string>& ips, const core::Labels& labels = {}, int port = 8080);
std::string nodeJson(const std::string& name, const std::string& zone);

class FakeCluster {
 public:
  std::string upsert(ResourceKind kind, const std::string& json);  // returns the new RV
  std::string remove(ResourceKind kind, const std::string& ns, const std::string& name);
  void compact();  // history before now is gone: watches from older RVs get ERROR 410
  std::uint64_t resourceVersion() const;

  // Serves LIST and WATCH for the three collections; false for other paths.
  bool handle(const FakeRequest& request, Responder& out);
  // The server's truth for comparing with a client's cache, decoded by the same decoders.
  core::ClusterSnapshot truth() const;

  std::atomic<bool> bookmarks{true};         // BOOKMARK before a watch ends
  std::atomic<bool> watchListEnabled{true};  // else sendInitialEvents gets 422
  std::atomic<int> expireContinues{0};       // the next N continue requests get 410 (+ a new token)
  std::atomic<int> watchSeconds{0};          // >0: caps how long a watch stays open
  std::atomic<bool> gzipLists{false};        // gzip LIST bodies when the client accepts it

 private:
  struct Stored {
    std::string json;
    core::Labels labels;
    std::uint64_t rv = 0;
  };
  struct Entry {
    std::uint64_t rv;
    ResourceKind kind;
    std::string type;
    std::string json;
    core::Labels labels;
    core::Labels previous;
    bool hadPrevious;
  };
  void list(ResourceKind kind, const FakeRequest& request, Responder& out);
  void watch(ResourceKind kind, const FakeRequest& request, Responder& out);

  mutable std::mutex mutex_;
  std::uint64_t rv_ = 100;
  std::uint64_t compactedBefore_ = 0;
  std::map<ResourceKind, std::map<std::string, Stored>> objects_;
  std::vector<Entry> log_;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> snapshots_;  // token → (RV, rest)
  std::uint64_t nextToken_ = 1;
};

std::string render(const std::string& json, std::uint64_t rv);
core::ObjectMeta metaOfJson(const std::string& json);
std::string statusJson(int code, const std::string& reason, const std::string& message,
                       const std::string& meta = "");
std::string eventJson(const std::string& type, const std::string& object);
std::string bookmarkJson(ResourceKind kind, std::uint64_t rv, bool initialEnd);
bool selected(const core::Labels& labels, const std::string& selector);

}  // namespace kipvs::k8s::testing
