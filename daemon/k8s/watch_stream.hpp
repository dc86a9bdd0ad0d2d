#pragma once

// One WATCH response body as it arrives: framed into events, the resourceVersion moved on events and
// bookmarks, a watch-list's initial events buffered until the bookmark annotated
// k8s.io/initial-events-end (KEP-3157), an ERROR event or undecodable bytes turned into the Outcome
// that ends the stream. Half an event (a cut connection) is never applied. Watch edge cases 1-4, 8, 9,
// 14, 17 and 20-25 (daemon/README.md).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "k8s/decode.hpp"
#include "k8s/json_stream.hpp"
#include "k8s/list_watch_plan.hpp"
#include "k8s/subscription.hpp"
#include "k8s/watcher_stats.hpp"

namespace kipvs::k8s {

using PostEvent = std::function<void(SourceEvent&&)>;
using AcceptObject = std::function<bool(const core::ObjectMeta&)>;

// How one request ended: the outcome for the plan's table and, for a failure, what to report.
struct RequestEnd {
  Outcome outcome = Outcome::Ok;
  FailureReason reason = FailureReason::ConnectionFailure;
  std::string detail;
  std::optional<int> retryAfter;
  Request as = Request::List;  // a watch-list past its initial events ends as a plain watch
};

class WatchStream {
 public:
  struct Context {
    ResourceKind kind;
    const AcceptObject& accept;  // empty: everything is ours
    ListWatchPlan& plan;
    WatcherStats& stats;
    const PostEvent& post;
  };
  WatchStream(Context context, bool initialEvents);

  // False when the stream must not be read any further (an ERROR event, undecodable bytes).
  bool feed(std::string_view bytes);
  // The connection failed: the partial event is dropped.
  RequestEnd cut(const std::string& what);
  // The body ended; `briefly`: sooner than a watch should.
  RequestEnd finish(bool briefly);
  Request as() const { return initialDone_ ? Request::Watch : Request::WatchList; }

 private:
  void onDocument(std::string_view document);
  void onError(const Status& status);
  void onBookmark(const WatchEvent& event);
  void onObject(WatchEvent&& event);
  RequestEnd ended(Outcome outcome, FailureReason reason, std::string detail) const;

  Context context_;
  JsonStreamFramer framer_;
  std::size_t events_ = 0;
  bool initialDone_;
  ListResult initial_;
  std::optional<RequestEnd> end_;
};

}  // namespace kipvs::k8s
