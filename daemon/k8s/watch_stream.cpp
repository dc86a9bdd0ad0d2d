#include "k8s/watch_stream.hpp"

namespace kipvs::k8s {

namespace {

// The cacher's answer to a watch-list on a server that cannot serve it (apiserver
// pkg/storage/cacher/cacher.go).
constexpr std::string_view kRequestWatchProgress = "RequestWatchProgress";

}  // namespace

WatchStream::WatchStream(Context context, bool initialEvents)
    : context_(context), initialDone_(!initialEvents) {}

bool WatchStream::feed(std::string_view bytes) {
  try {
    framer_.feed(bytes, [this](std::string_view document) {
      if (!end_) {
        onDocument(document);
      }
    });
  } catch (const JsonError& e) {
    end_ = ended(Outcome::BadResponse, FailureReason::ProtocolError,
                 std::string("undecodable watch stream: ") + e.what());
  } catch (const ProtocolError& e) {
    end_ = ended(Outcome::BadResponse, FailureReason::ProtocolError, e.what());  // client-go relists
  }
  return !end_;
}

RequestEnd WatchStream::cut(const std::string& what) {
  if (framer_.hasPartial()) {
    ++context_.stats.partialDropped;
  }
  return ended(Outcome::TransportError, FailureReason::ConnectionFailure, "watch: " + what);
}

RequestEnd WatchStream::finish(bool briefly) {
  if (end_) {
    return *end_;
  }
  const bool partial = framer_.hasPartial();
  if (partial) {
    ++context_.stats.partialDropped;
  }
  if (!initialDone_) {
    return ended(Outcome::BadResponse, FailureReason::ProtocolError,
                 "watch-list stream ended before initial-events-end");
  }
  if (events_ == 0 && !partial && briefly) {
    return ended(Outcome::EndedAtOnce, FailureReason::ConnectionFailure,
                 "watch closed at once with no events");
  }
  return ended(Outcome::Ok, FailureReason::ConnectionFailure, {});
}

RequestEnd WatchStream::ended(Outcome outcome, FailureReason reason, std::string detail) const {
  return {.outcome = outcome, .reason = reason, .detail = std::move(detail), .retryAfter = {}, .as = as()};
}

void WatchStream::onDocument(std::string_view document) {
  WatchEvent event = decodeEvent(document, context_.kind);
  switch (event.type) {
    case EventType::Error:
      onError(event.status);
      return;
    case EventType::Bookmark:
      onBookmark(event);
      return;
    default:
      onObject(std::move(event));
      return;
  }
}

void WatchStream::onError(const Status& status) {
  RequestEnd end =
      ended(Outcome::Refused, FailureReason::ServerError,
            "ERROR event " + std::to_string(status.code) + " " + status.reason + ": " + status.message);
  if (status.isExpired()) {
    end.outcome = Outcome::Expired;  // Expired, or Gone from old servers
    end.reason = FailureReason::Expired;
  } else if (status.isTooLargeResourceVersion()) {
    end.outcome = Outcome::TooLarge;
    end.retryAfter = status.retryAfterSeconds > 0 ? status.retryAfterSeconds : 1;
  } else if (!initialDone_ && status.message.find(kRequestWatchProgress) != std::string::npos) {
    end.outcome = Outcome::WatchListUnsupported;
  }
  end_ = std::move(end);
}

void WatchStream::onBookmark(const WatchEvent& event) {
  ++context_.stats.bookmarks;
  ++events_;  // a bookmark is a sign of life too (client-go counts it)
  // An annotated bookmark on a plain watch (server-side defaulting) only moves the version.
  if (!initialDone_ && event.initialEventsEnd) {
    initialDone_ = true;
    initial_.resourceVersion = event.resourceVersion;
    context_.plan.listed(event.resourceVersion);
    ++context_.stats.lists;
    context_.post(SourceEvent::listed(context_.kind, std::move(initial_)));
  }
  if (initialDone_) {
    context_.plan.observed(event.resourceVersion);
  }
}

void WatchStream::onObject(WatchEvent&& event) {
  ++events_;
  const auto accepted = [this](const Object& object) {
    return !context_.accept || context_.accept(metaOf(object));
  };
  if (!initialDone_) {
    // Initial events carry unordered versions: buffered, the list's version comes from the bookmark.
    if (event.rejected) {
      initial_.rejected.push_back(std::move(*event.rejected));
    } else if (event.object && accepted(*event.object)) {
      initial_.items.push_back(std::move(*event.object));
    }
    return;
  }
  if (event.object && event.type != EventType::Deleted && !accepted(*event.object)) {
    event.type = EventType::Deleted;  // left our selection (the client-side part of the selector)
  }
  context_.plan.observed(event.resourceVersion);
  ++context_.stats.events;
  context_.post(SourceEvent::watch(context_.kind, std::move(event)));
}

}  // namespace kipvs::k8s
