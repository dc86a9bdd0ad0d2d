#include "k8s/list_watch_plan.hpp"

#include <algorithm>
#include <array>

namespace kipvs::k8s {

namespace {

constexpr int kImmediateListsInARow = 3;

constexpr Action kWatch{};
constexpr Action kListAtOnce{.wait = Wait::None, .next = Next::List};
constexpr Action kBackoffRelist{.wait = Wait::Backoff, .next = Next::List};
constexpr Action kBackoffRelistSeen{.wait = Wait::Backoff, .next = Next::List, .from = RelistFrom::LastSeen};
constexpr Action kBackoffRelistLatest{.wait = Wait::Backoff, .next = Next::List, .from = RelistFrom::Latest};
constexpr Action kBackoffRewatch{.wait = Wait::Backoff, .next = Next::Watch};
constexpr Action kRelistLatestAtOnce{.wait = Wait::None, .next = Next::List, .from = RelistFrom::Latest};
constexpr Action kRelistLatestOnePage{
    .wait = Wait::None, .next = Next::List, .from = RelistFrom::Latest, .unpaginated = true};
constexpr Action kRetryAfterRelistLatest{
    .wait = Wait::RetryAfter, .next = Next::List, .from = RelistFrom::Latest};
constexpr Action kListForGood{.wait = Wait::None, .next = Next::List, .disableWatchList = true};

struct Row {
  Outcome outcome;
  Action afterList;
  Action afterWatch;
  Action afterWatchList;
};

// The table of the header comment, row for row.
constexpr std::array kTable{
    Row{Outcome::Ok, kWatch, kWatch, kWatch},
    Row{Outcome::EndedAtOnce, kBackoffRelist, kBackoffRelistSeen, kListAtOnce},
    Row{Outcome::Expired, kRelistLatestAtOnce, kBackoffRelistLatest, kListAtOnce},
    Row{Outcome::ContinueExpired, kRelistLatestOnePage, kBackoffRelistLatest, kListAtOnce},
    Row{Outcome::TooLarge, kRetryAfterRelistLatest, kRetryAfterRelistLatest, kListAtOnce},
    Row{Outcome::Throttled, kBackoffRelist, kBackoffRewatch, kListAtOnce},
    Row{Outcome::ServerError, kBackoffRelist, kBackoffRewatch, kListAtOnce},
    Row{Outcome::TransportError, kBackoffRelist, kBackoffRewatch, kListAtOnce},
    Row{Outcome::Refused, kBackoffRelist, kBackoffRelistSeen, kListAtOnce},
    Row{Outcome::BadResponse, kBackoffRelist, kBackoffRelistSeen, kListAtOnce},
    Row{Outcome::WatchListUnsupported, kBackoffRelist, kBackoffRelistSeen, kListForGood},
};

constexpr bool rowsFollowTheOutcomes() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].outcome) != i) {
      return false;
    }
  }
  return kTable.size() == kOutcomes;
}
static_assert(rowsFollowTheOutcomes(), "one row per Outcome, in the enum's order");

}  // namespace

Action actionFor(Request request, Outcome outcome) {
  const Row& row = kTable.at(static_cast<std::size_t>(outcome));
  switch (request) {
    case Request::List:
      return row.afterList;
    case Request::Watch:
      return row.afterWatch;
    case Request::WatchList:
      break;
  }
  return row.afterWatchList;
}

ListWatchPlan::Step ListWatchPlan::next() const {
  if (!needList_) {
    return {Request::Watch, resourceVersion(), false};
  }
  if (watchList_ && !listFallback_) {
    return {Request::WatchList, relistRv_ == "0" ? std::string{} : relistRv_, false};
  }
  return {Request::List, relistRv_, paginate_ && (relistRv_.empty() || relistRv_ == "0")};
}

std::chrono::milliseconds ListWatchPlan::record(Request request, Outcome outcome,
                                                std::optional<int> retryAfterSeconds, Timing& timing) {
  Action action = actionFor(request, outcome);
  if (outcome == Outcome::Ok) {
    rewatchFailures_ = 0;
  } else if (request == Request::Watch && action.next == Next::Watch &&
             ++rewatchFailures_ > maxRewatchFailures_) {
    action.next = Next::List;  // re-watching keeps failing: escalate to a relist
    action.from = RelistFrom::LastSeen;
    rewatchFailures_ = 0;
  }
  if (request == Request::List && action.next == Next::List && action.wait != Wait::Backoff &&
      ++immediateLists_ >= kImmediateListsInARow) {
    action.wait = Wait::Backoff;
  }
  paginate_ = paginate_ && !action.unpaginated;
  if (action.wait == Wait::Backoff || outcome == Outcome::Ok || request != Request::List) {
    immediateLists_ = 0;  // a fresh start: paginated again
    paginate_ = true;
  }
  if (request == Request::WatchList) {
    listFallback_ = outcome != Outcome::Ok;  // a failed watch-list is followed by one plain LIST
  } else if (outcome == Outcome::Ok || action.wait == Wait::Backoff) {
    listFallback_ = false;  // after a backoff the watch-list is tried again
  }
  watchList_ = watchList_ && !action.disableWatchList;
  needList_ = action.next == Next::List;
  switch (action.from) {
    case RelistFrom::Same:
      break;
    case RelistFrom::LastSeen:
      relistRv_ = resourceVersion();
      break;
    case RelistFrom::Latest:
      relistRv_.clear();
      break;
  }
  const auto retryAfter = std::chrono::milliseconds(std::chrono::seconds(retryAfterSeconds.value_or(0)));
  switch (action.wait) {
    case Wait::None:
      break;
    case Wait::Backoff:
      return std::max(backoff_.next(timing.now(), timing.random()), retryAfter);
    case Wait::RetryAfter:
      return retryAfterSeconds ? retryAfter : std::chrono::seconds(1);
  }
  return std::chrono::milliseconds(0);
}

void ListWatchPlan::listed(const std::string& rv) {
  relistRv_ = rv;  // later relists: never older than what was seen
  observed(rv);
}

void ListWatchPlan::observed(const std::string& rv) {
  if (rv.empty()) {
    return;
  }
  const std::lock_guard lock(rvMutex_);
  rv_ = rv;
}

std::string ListWatchPlan::resourceVersion() const {
  const std::lock_guard lock(rvMutex_);
  return rv_;
}

}  // namespace kipvs::k8s
