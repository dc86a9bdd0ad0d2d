#pragma once

// What a resource watcher does next, decided in one place: every LIST, WATCH or watch-list request
// ends with an Outcome, and one table maps (request, outcome) to an Action — how long to wait, whether
// to LIST or WATCH next, and from which resourceVersion. ListWatchPlan holds the little state the
// table needs (the version to watch from, the version to relist from, the retry counters) and does no
// I/O, so the whole retry behaviour is unit-tested on a virtual clock.
//
// The table follows client-go's reflector (tools/cache/reflector.go, tools/pager/pager.go) and covers
// watch edge cases 12-17, 19, 21, 44 and 48 (daemon/README.md):
//
//   outcome                      after a LIST              after a WATCH             after a watch-list
//   Ok                           watch                     re-watch at once          watch
//   EndedAtOnce (no events, <1s) -                         backoff, relist (seen)    LIST at once
//   Expired (410, ERROR Expired) relist at once (latest)   backoff, relist (latest)  LIST at once
//   ContinueExpired              relist at once, latest,   -                         -
//                                one unpaginated page
//   TooLarge (RV ahead of the    Retry-After, relist       Retry-After, relist       LIST at once
//   server)                      (latest)                  (latest)
//   Throttled / ServerError /    backoff, relist           backoff, re-watch;        LIST at once
//   TransportError                                         relist (seen) after
//                                                          maxRewatchFailures
//   Refused (401/403/4xx, ERROR) backoff, relist           backoff, relist (seen)    LIST at once
//   BadResponse (content type,   backoff, relist           backoff, relist (seen)    LIST at once
//   JSON, unknown event type)
//   WatchListUnsupported (422)   -                         -                         LIST at once, for good
//
// "backoff" is the reflector's 800 ms doubling to 30 s, jittered, or the server's Retry-After when
// longer. A relist after a failed watch is always paced by the backoff (many clients see the same
// 410 after a compaction), while a LIST that could not be served at its version is retried at once
// from the latest (a consistent read always succeeds) — but never more than three times in a row.
// "seen" relists from the last version observed, never "0": a lagging server must not roll state back.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "k8s/timing.hpp"

namespace kipvs::k8s {

enum class Request : std::uint8_t { List, Watch, WatchList };

enum class Outcome : std::uint8_t {
  Ok,                    // list complete, watch-list synced, or watch ended at its timeout
  EndedAtOnce,           // watch closed at once with no event at all
  Expired,               // HTTP 410 or ERROR Expired/Gone: the version is too old
  ContinueExpired,       // HTTP 410 on a continue page
  TooLarge,              // ResourceVersionTooLarge: the server is behind the version asked for
  Throttled,             // 429
  ServerError,           // 5xx
  TransportError,        // connect/TLS/read failure, body cut short
  Refused,               // 401/403, other statuses, an ERROR event
  BadResponse,           // wrong Content-Type, undecodable JSON, unknown event type
  WatchListUnsupported,  // 422/400 or "RequestWatchProgress" before the initial-events bookmark
};
inline constexpr std::size_t kOutcomes = 11;

enum class Wait : std::uint8_t { None, Backoff, RetryAfter };
enum class Next : std::uint8_t { Watch, List };
enum class RelistFrom : std::uint8_t { Same, LastSeen, Latest };

struct Action {
  Wait wait = Wait::None;
  Next next = Next::Watch;
  RelistFrom from = RelistFrom::Same;
  bool unpaginated = false;  // the next LIST is one page
  bool disableWatchList = false;
};
// The table.
Action actionFor(Request request, Outcome outcome);

class ListWatchPlan {
 public:
  struct Step {
    Request request = Request::List;
    std::string resourceVersion;  // LIST/watch-list: relist from; WATCH: watch from
    bool paginate = true;
  };
  ListWatchPlan(bool watchList, int maxRewatchFailures, BackoffPolicy backoff)
      : watchList_(watchList), maxRewatchFailures_(maxRewatchFailures), backoff_(backoff) {}

  Step next() const;
  // What the step's request ended with; returns the wait before the next step.
  std::chrono::milliseconds record(Request request, Outcome outcome, std::optional<int> retryAfterSeconds,
                                   Timing& timing);
  // A complete list (or the watch-list's initial-events bookmark) at `rv`.
  void listed(const std::string& rv);
  // An event or bookmark at `rv`: the next watch starts there.
  void observed(const std::string& rv);
  std::string resourceVersion() const;  // any thread

 private:
  std::string lastSeen() const;

  bool watchList_;
  int maxRewatchFailures_;
  Backoff backoff_;
  bool needList_ = true;
  bool listFallback_ = false;  // the watch-list failed: this relist is a plain LIST
  bool paginate_ = true;
  std::string relistRv_ = "0";  // the first list may be served from the watch cache
  int rewatchFailures_ = 0;
  int immediateLists_ = 0;
  mutable std::mutex rvMutex_;
  std::string rv_;
};

}  // namespace kipvs::k8s
