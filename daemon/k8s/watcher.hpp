#pragma once

// LIST + WATCH of one resource, the way client-go's reflector does it (tools/cache/reflector.go):
// paginated lists, a watch from the list's version with bookmarks and a bounded timeoutSeconds, an
// optional watch-list (KEP-3157) with fallback to LIST. What follows each request's outcome — wait,
// relist or re-watch — is ListWatchPlan's table; one WATCH body is a WatchStream. Runs on the
// caller's thread until stop(); results are posted as SourceEvents.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "k8s/decode.hpp"
#include "k8s/http_transport.hpp"
#include "k8s/list_watch_plan.hpp"
#include "k8s/subscription.hpp"
#include "k8s/timing.hpp"
#include "k8s/watch_stream.hpp"
#include "k8s/watcher_stats.hpp"

namespace kipvs::k8s {

// kube-proxy's selector (cmd/kube-proxy/app/server.go). With a proxy name, Services labelled
// service-proxy-name=<name> are ours too: the server-side selector then only excludes headless, and
// `acceptsProxyName` filters the rest.
std::string proxyLabelSelector(const std::string& proxyName);
bool acceptsProxyName(const core::ObjectMeta& meta, const std::string& proxyName);

struct WatcherOptions {
  std::string labelSelector;
  std::string fieldSelector;
  AcceptObject accept;  // client-side filter; rejected objects leave
  int pageSize = 500;
  std::chrono::seconds minWatchTimeout{300};    // timeoutSeconds in [min, 2·min)
  std::chrono::milliseconds idleMargin{30000};  // read deadline = timeoutSeconds + margin
  std::chrono::milliseconds listIdleTimeout{60000};
  std::chrono::milliseconds veryShortWatch{1000};
  bool watchList = false;  // try sendInitialEvents first
  int maxRewatchFailures = 5;
  BackoffPolicy backoff;
};

std::string_view collectionPath(ResourceKind kind);

class ResourceWatcher {
 public:
  using Post = PostEvent;
  ResourceWatcher(HttpTransport& transport, ResourceKind kind, WatcherOptions options, Timing& timing,
                  Post post);

  void run();   // until stop()
  void stop();  // any thread
  std::string resourceVersion() const { return plan_.resourceVersion(); }
  const WatcherStats& stats() const { return stats_; }
  // The backoff waits actually requested (tests assert their shape without waiting them out).
  std::chrono::milliseconds lastWait() const { return lastWait_.load(); }

 private:
  RequestEnd list(const ListWatchPlan::Step& step);
  RequestEnd watch(const ListWatchPlan::Step& step);
  RequestEnd classify(const HttpResponse& response);
  std::string query(bool watch) const;
  void report(const RequestEnd& end);
  bool wait(std::chrono::milliseconds duration);

  HttpTransport& transport_;
  ResourceKind kind_;
  WatcherOptions options_;
  Timing& timing_;
  Post post_;
  ListWatchPlan plan_;
  std::atomic<bool> stopped_{false};
  WatcherStats stats_;
  std::atomic<std::chrono::milliseconds> lastWait_{std::chrono::milliseconds(0)};
};

}  // namespace kipvs::k8s
