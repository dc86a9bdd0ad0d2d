// One WATCH request of ResourceWatcher: the event stream, bookmarks, ERROR events, watch-list's
// initial events (watch edge cases 1-25, daemon/README.md).

#include "k8s/json_stream.hpp"
#include "k8s/watcher.hpp"

namespace kipvs::k8s {

namespace {

constexpr std::string_view kRequestWatchProgress = "RequestWatchProgress";

}  // namespace

ResourceWatcher::Failure ResourceWatcher::watch(bool initialEvents) {
  const auto minTimeout = options_.minWatchTimeout.count();
  const auto timeoutSeconds = std::max<std::int64_t>(
      1, minTimeout + static_cast<std::int64_t>(static_cast<double>(minTimeout) * timing_.random()));
  std::string target = query(true) + "timeoutSeconds=" + std::to_string(timeoutSeconds) + "&";
  if (initialEvents) {
    const std::string rv = relistRv_ == "0" ? std::string{} : relistRv_;
    target += "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=" + rv;
  } else {
    target += "resourceVersion=" + resourceVersion();
  }
  ++stats_.watches;

  JsonStreamFramer framer;
  std::size_t events = 0;
  bool initialDone = !initialEvents;
  ListResult initial;
  std::optional<Failure> streamFailure;
  const auto start = timing_.now();

  const auto onDocument = [&](std::string_view document) {
    WatchEvent event = decodeEvent(document, kind_);
    switch (event.type) {
      case EventType::Error: {
        const Status& status = event.status;
        Failure f{Outcome::Relist,
                  FailureReason::ServerError,
                  "ERROR event " + std::to_string(status.code) + " " + status.reason + ": " + status.message,
                  {}};
        if (status.isExpired()) {
          f.outcome = Outcome::Expired;  // watch edge case 14 (Expired, or Gone from old servers)
          f.reason = FailureReason::Expired;
        } else if (status.isTooLargeResourceVersion()) {
          f.outcome = Outcome::TooLarge;  // watch edge case 17
          f.retryAfter = status.retryAfterSeconds > 0 ? status.retryAfterSeconds : 1;
        } else if (!initialDone && status.message.find(kRequestWatchProgress) != std::string::npos) {
          f.outcome = Outcome::NoWatchList;  // watch edge case 21
        }
        streamFailure = f;
        return;
      }
      case EventType::Bookmark:
        ++stats_.bookmarks;
        ++events;  // a bookmark is a sign of life too (client-go counts it)
        // watch edge case 22: an annotated bookmark on a plain watch only moves the RV.
        if (!initialDone && event.initialEventsEnd) {
          initialDone = true;
          initial.resourceVersion = event.resourceVersion;
          relistRv_ = event.resourceVersion;
          ++stats_.lists;
          post_(SourceEvent::listed(kind_, std::move(initial)));
        }
        if (initialDone) {
          setResourceVersion(event.resourceVersion);
        }
        return;
      default:
        break;
    }
    ++events;
    if (!initialDone) {
      // watch edge case 20: initial events carry unordered RVs; they are buffered, the RV comes from the
      // bookmark.
      if (event.rejected) {
        initial.rejected.push_back(std::move(*event.rejected));
      } else if (event.object && accepted(metaOf(*event.object))) {
        initial.items.push_back(std::move(*event.object));
      }
      return;
    }
    if (event.object && event.type != EventType::Deleted && !accepted(metaOf(*event.object))) {
      event.type = EventType::Deleted;  // left our selection (client-side part of the selector)
    }
    setResourceVersion(event.resourceVersion);
    ++stats_.events;
    post_(SourceEvent::watch(kind_, std::move(event)));
  };

  HttpResponse response;
  try {
    RequestOptions request;
    request.idleTimeout = std::chrono::seconds(timeoutSeconds) + options_.idleMargin;
    request.acceptGzip = false;
    response = transport_.get(target, request, [&](std::string_view bytes) {
      framer.feed(bytes, onDocument);
      return !streamFailure && !stopped_;
    });
  } catch (const TransportError& e) {
    if (stopped_) {
      return {Outcome::Stopped, FailureReason::ConnectionFailure, "stopped", {}};
    }
    if (framer.hasPartial()) {
      ++stats_.partialDropped;  // watch edge case 4: never half an object
    }
    return {initialDone ? Outcome::Retry : Outcome::Relist,
            FailureReason::ConnectionFailure,
            std::string("watch: ") + e.what(),
            {}};
  } catch (const JsonError& e) {
    return {Outcome::Relist,
            FailureReason::ProtocolError,
            std::string("undecodable watch stream: ") + e.what(),
            {}};
  } catch (const ProtocolError& e) {
    return {Outcome::Relist, FailureReason::ProtocolError, e.what(), {}};  // watch edge case 8
  }
  if (stopped_) {
    return {Outcome::Stopped, FailureReason::ConnectionFailure, "stopped", {}};
  }
  if (response.status != 200) {
    Failure f = classify(response);
    if (initialEvents && (response.status == 422 || response.status == 400)) {
      f.outcome = Outcome::NoWatchList;  // watch edge case 21: WatchList gate off
    }
    return f;
  }
  if (response.contentType.find("json") == std::string::npos) {
    return {
        Outcome::Relist, FailureReason::ProtocolError, "unexpected Content-Type " + response.contentType, {}};
  }
  if (streamFailure) {
    return *streamFailure;
  }
  const bool cut = framer.hasPartial();
  if (cut) {
    ++stats_.partialDropped;
  }
  if (!initialDone) {
    return {Outcome::Relist,
            FailureReason::ProtocolError,
            "watch-list stream ended before initial-events-end",
            {}};
  }
  if (events == 0 && !cut && timing_.now() - start < options_.veryShortWatch) {
    return {Outcome::VeryShort, FailureReason::ConnectionFailure, "watch closed at once with no events", {}};
  }
  return {};
}

}  // namespace kipvs::k8s
