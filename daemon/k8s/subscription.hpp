#pragma once

// The shape the rest of kipvs sees of a cluster source (Envoy's Subscription): sources (the API
// watch threads, the static-manifest directory) post SourceEvents; ClusterSubscription applies them
// to the cache on the consumer's thread and calls onSnapshot once every resource is synced, then
// onDelta per change, onFailure with a typed reason. Counters for metrics and the bus.

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/cache.hpp"
#include "k8s/decode.hpp"

namespace kipvs::k8s {

enum class FailureReason : std::uint8_t {
  ConnectionFailure,  // connect/TLS/read errors, server closed early
  Unauthorized,       // 401/403
  Throttled,          // 429
  ServerError,        // 5xx, unexpected statuses
  Expired,            // 410 / ERROR Expired: a relist follows
  ProtocolError,      // undecodable stream, unknown event type: a relist follows
  MalformedObject,    // one object rejected; everything else goes on
};
inline constexpr std::size_t kFailureReasons = 7;
std::string_view toString(FailureReason reason);

class SubscriptionCallbacks {
 public:
  virtual ~SubscriptionCallbacks() = default;
  // The first complete state (every required resource listed).
  virtual void onSnapshot(const core::ClusterSnapshot& snapshot) = 0;
  // A change after that; `snapshot` is already updated.
  virtual void onDelta(const core::ClusterSnapshot& snapshot, const Delta& delta) = 0;
  virtual void onFailure(FailureReason reason, const std::string& detail) = 0;
};

// What a source posts, from any thread.
struct SourceEvent {
  enum class Type : std::uint8_t { Listed, Watch, Failure };
  Type type = Type::Failure;
  ResourceKind resource = ResourceKind::Service;
  ListResult list;   // Listed: the complete, consistent list
  WatchEvent event;  // Watch: ADDED/MODIFIED/DELETED (BOOKMARK/ERROR are handled by the watcher)
  FailureReason reason = FailureReason::ConnectionFailure;
  std::string detail;

  static SourceEvent listed(ResourceKind kind, ListResult list);
  static SourceEvent watch(ResourceKind kind, WatchEvent event);
  static SourceEvent failure(ResourceKind kind, FailureReason reason, std::string detail);
};

struct SubscriptionStats {
  std::uint64_t lists = 0;
  std::uint64_t events = 0;
  std::uint64_t rejected = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t deltas = 0;
  std::array<std::uint64_t, kFailureReasons> failures{};
};

class ClusterSubscription {
 public:
  ClusterSubscription(SubscriptionCallbacks& callbacks, std::set<ResourceKind> required);

  void handle(SourceEvent&& event);
  bool synced() const { return synced_; }
  const ClusterCache& cache() const { return cache_; }
  const SubscriptionStats& stats() const { return stats_; }

 private:
  void rejected(ResourceKind kind, const Rejected& object, Delta& delta);

  SubscriptionCallbacks& callbacks_;
  std::set<ResourceKind> required_;
  std::set<ResourceKind> listed_;
  bool synced_ = false;
  ClusterCache cache_;
  SubscriptionStats stats_;
};

// A thread-safe hand-off from source threads to the consumer (the daemon's main loop drains it when
// `notify` fires, e.g. by writing an eventfd watched by sd-event).
class EventQueue {
 public:
  explicit EventQueue(std::function<void()> notify = {}) : notify_(std::move(notify)) {}
  void push(SourceEvent&& event);
  std::vector<SourceEvent> drain();
  // Waits until the queue is non-empty or the timeout passes; true when something is there.
  bool waitFor(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<SourceEvent> events_;
  std::function<void()> notify_;
};

}  // namespace kipvs::k8s
