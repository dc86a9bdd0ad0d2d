#pragma once

// LIST + WATCH of one resource, the way client-go's reflector does it (client-go tools/cache/reflector.go,
// tools/pager/pager.go): paginated lists (expired continue ⇒ restart, then one unpaginated list), watch from
// the list's RV with bookmarks and a bounded timeoutSeconds, ERROR/HTTP 410 ⇒ relist, clean close ⇒ re-watch,
// very short watches / protocol errors / 401 ⇒ backoff + relist, 429/5xx/connection errors ⇒ backoff
// (Retry-After honoured) + re-watch, optional watch-list with fallback to LIST. Runs on the caller's
// thread until stop(); results are posted as SourceEvents.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "k8s/decode.hpp"
#include "k8s/http_transport.hpp"
#include "k8s/subscription.hpp"
#include "k8s/timing.hpp"

namespace kipvs::k8s {

// kube-proxy's selector (cmd/kube-proxy/app/server.go). With a proxy name, Services labelled
// service-proxy-name=<name> are ours too: the server-side selector then only excludes headless, and
// `acceptsProxyName` filters the rest.
std::string proxyLabelSelector(const std::string& proxyName);
bool acceptsProxyName(const core::ObjectMeta& meta, const std::string& proxyName);

struct WatcherOptions {
  std::string labelSelector;
  std::string fieldSelector;
  std::function<bool(const core::ObjectMeta&)> accept;  // client-side filter; rejected objects leave
  int pageSize = 500;
  std::chrono::seconds minWatchTimeout{300};    // timeoutSeconds in [min, 2·min)
  std::chrono::milliseconds idleMargin{30000};  // read deadline = timeoutSeconds + margin
  std::chrono::milliseconds listIdleTimeout{60000};
  std::chrono::milliseconds veryShortWatch{1000};
  bool watchList = false;  // try sendInitialEvents first
  int maxRewatchFailures = 5;
  BackoffPolicy backoff;
};

struct WatcherStats {
  std::atomic<std::uint64_t> lists{0};
  std::atomic<std::uint64_t> listPages{0};
  std::atomic<std::uint64_t> watches{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> bookmarks{0};
  std::atomic<std::uint64_t> expired{0};
  std::atomic<std::uint64_t> partialDropped{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> watchListFallbacks{0};
};

std::string_view collectionPath(ResourceKind kind);

class ResourceWatcher {
 public:
  using Post = std::function<void(SourceEvent&&)>;
  ResourceWatcher(HttpTransport& transport, ResourceKind kind, WatcherOptions options, Timing& timing,
                  Post post);

  void run();   // until stop()
  void stop();  // any thread
  std::string resourceVersion() const;
  const WatcherStats& stats() const { return stats_; }
  // The backoff waits actually requested (tests assert their shape without waiting them out).
  std::chrono::milliseconds lastWait() const { return lastWait_.load(); }

 private:
  enum class Outcome : std::uint8_t {
    Clean,        // ended as a watch should: re-watch at once
    VeryShort,    // closed at once with nothing: backoff + relist
    Expired,      // 410: relist with RV ""
    TooLarge,     // RV from the future: wait, relist with RV ""
    Retry,        // 429 / 5xx / connection: backoff + re-watch
    Relist,       // protocol error, 401/403, other statuses: backoff + relist
    NoWatchList,  // watch-list unsupported here: LIST instead
    Stopped,
  };
  struct Failure {
    Outcome outcome = Outcome::Clean;
    FailureReason reason = FailureReason::ConnectionFailure;
    std::string detail;
    std::optional<int> retryAfter;
    bool duringPaging = false;  // a continue request failed
  };

  bool list();  // true on success; on failure sleeps as needed
  Failure listOnce(const std::string& rv, bool paginate);
  Failure watch(bool initialEvents);
  Failure classify(const HttpResponse& response);
  std::string query(bool watch) const;
  void fail(const Failure& failure);
  bool wait(std::chrono::milliseconds duration);
  void setResourceVersion(const std::string& rv);
  bool accepted(const core::ObjectMeta& meta) const { return !options_.accept || options_.accept(meta); }

  HttpTransport& transport_;
  ResourceKind kind_;
  WatcherOptions options_;
  Timing& timing_;
  Post post_;
  Backoff backoff_;
  std::atomic<bool> stopped_{false};
  mutable std::mutex rvMutex_;
  std::string rv_;
  std::string relistRv_ = "0";  // first list may be served from the watch cache
  bool watchListSupported_ = true;
  WatcherStats stats_;
  std::atomic<std::chrono::milliseconds> lastWait_{std::chrono::milliseconds(0)};
};

}  // namespace kipvs::k8s
