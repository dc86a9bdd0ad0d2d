#include "k8s/subscription.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace kipvs::k8s {

std::string_view toString(FailureReason reason) {
  static constexpr std::string_view kNames[] = {"connection-failure", "unauthorized", "throttled",
                                                "server-error",       "expired",      "protocol-error",
                                                "malformed-object"};
  return kNames[static_cast<std::size_t>(reason)];
}

SourceEvent SourceEvent::listed(ResourceKind kind, ListResult list) {
  SourceEvent e;
  e.type = Type::Listed;
  e.resource = kind;
  e.list = std::move(list);
  return e;
}

SourceEvent SourceEvent::watch(ResourceKind kind, WatchEvent event) {
  SourceEvent e;
  e.type = Type::Watch;
  e.resource = kind;
  e.event = std::move(event);
  return e;
}

SourceEvent SourceEvent::failure(ResourceKind kind, FailureReason reason, std::string detail) {
  SourceEvent e;
  e.type = Type::Failure;
  e.resource = kind;
  e.reason = reason;
  e.detail = std::move(detail);
  return e;
}

ClusterSubscription::ClusterSubscription(SubscriptionCallbacks& callbacks, std::set<ResourceKind> required)
    : callbacks_(callbacks), required_(std::move(required)) {}

void ClusterSubscription::rejected(ResourceKind kind, const Rejected& object, Delta& delta) {
  ++stats_.rejected;
  ++stats_.failures[static_cast<std::size_t>(FailureReason::MalformedObject)];
  const std::string text = object.describe();
  log::warning("skipping malformed object: " + text,
               {{"KIPVS_OBJECT", object.kind + " " + object.meta.key().toString()}});
  cache_.reject(kind, object, delta);
  callbacks_.onFailure(FailureReason::MalformedObject, text);
}

void ClusterSubscription::handle(SourceEvent&& event) {
  Delta delta;
  switch (event.type) {
    case SourceEvent::Type::Failure:
      ++stats_.failures[static_cast<std::size_t>(event.reason)];
      callbacks_.onFailure(event.reason, event.detail);
      return;
    case SourceEvent::Type::Listed:
      ++stats_.lists;
      for (const auto& bad : event.list.rejected) {
        rejected(event.resource, bad, delta);
      }
      cache_.replace(event.resource, std::move(event.list.items), {}, event.list.resourceVersion, delta);
      listed_.insert(event.resource);
      break;
    case SourceEvent::Type::Watch:
      ++stats_.events;
      if (event.event.rejected) {
        rejected(event.resource, *event.event.rejected, delta);
      } else if (event.event.object) {
        cache_.apply(event.event.type, *event.event.object, delta);
      }
      break;
  }
  if (!synced_) {
    synced_ = std::includes(listed_.begin(), listed_.end(), required_.begin(), required_.end());
    if (synced_) {
      ++stats_.snapshots;
      callbacks_.onSnapshot(cache_.snapshot());
    }
    return;
  }
  if (!delta.empty()) {
    ++stats_.deltas;
    callbacks_.onDelta(cache_.snapshot(), delta);
  }
}

void EventQueue::push(SourceEvent&& event) {
  {
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  ready_.notify_all();
  if (notify_) {
    notify_();
  }
}

std::vector<SourceEvent> EventQueue::drain() {
  const std::lock_guard lock(mutex_);
  std::vector<SourceEvent> out(std::make_move_iterator(events_.begin()),
                               std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

bool EventQueue::waitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return ready_.wait_for(lock, timeout, [this] { return !events_.empty(); });
}

}  // namespace kipvs::k8s
