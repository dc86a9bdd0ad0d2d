#include "k8s/event_sink.hpp"

#include <time.h>

#include <chrono>
#include <exception>

#include "core/log.hpp"

namespace kipvs::k8s {

std::int64_t EventSink::realtimeMicros() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
}

EventSink::EventSink(EventTransport& transport, std::string reportingInstance, EventSeriesOptions options,
                     UnixMicros now)
    : transport_(transport),
      instance_(std::move(reportingInstance)),
      now_(std::move(now)),
      series_(options),
      thread_([this] { run(); }) {}

EventSink::~EventSink() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventSink::record(EventNote note) {
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++counters_.queueFull;
      return;
    }
    queue_.push_back(std::move(note));
    ++counters_.queued;
  }
  wake_.notify_one();
}

EventSinkCounters EventSink::counters() const {
  const std::lock_guard lock(mutex_);
  auto copy = counters_;
  copy.rateLimited = series_.counters().rateLimited;
  return copy;
}

void EventSink::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void EventSink::send(const EventWrite& write) {
  const std::string events = "/apis/events.k8s.io/v1/namespaces/" + write.ns + "/events";
  int status = 0;
  try {
    if (write.kind == EventWrite::Kind::Create) {
      status = transport_.send("POST", events, "application/json",
                               encodeEventCreate(write, kReportingController, instance_));
    } else {
      status = transport_.send("PATCH", events + "/" + write.name, "application/merge-patch+json",
                               encodeSeriesPatch(write));
    }
  } catch (const std::exception& error) {
    const std::lock_guard lock(mutex_);
    if (counters_.transportErrors++ == 0) {
      log::warning(std::string("cannot post Kubernetes Events: ") + error.what() +
                   " (further failures are only counted)");
    }
    return;
  }
  const std::lock_guard lock(mutex_);
  if (counters_.responses[status]++ == 0 && (status < 200 || status >= 300)) {
    log::warning("the API server answered " + std::to_string(status) + " to an Event " +
                     (write.kind == EventWrite::Kind::Create ? "creation" : "series update") +
                     (status == 403 ? " (RBAC: kipvsd may not create events.k8s.io Events)" : "") +
                     "; nothing else is affected (further answers like it are only counted)",
                 {{"KIPVS_EVENT_STATUS", std::to_string(status)}});
  }
}

void EventSink::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto next = series_.nextDue();
    const auto hasWork = [this] { return stopping_ || !queue_.empty(); };
    if (next) {
      const auto wait = std::chrono::microseconds(std::max<std::int64_t>(0, *next - now_()));
      wake_.wait_for(lock, wait, hasWork);
    } else {
      wake_.wait(lock, hasWork);
    }
    if (stopping_) {
      break;
    }
    busy_ = true;
    std::vector<EventWrite> writes;
    while (!queue_.empty()) {
      auto note = std::move(queue_.front());
      queue_.pop_front();
      if (auto create = series_.observe(note, now_())) {
        writes.push_back(std::move(*create));
      }
    }
    for (auto& update : series_.due(now_())) {
      writes.push_back(std::move(update));
    }
    lock.unlock();
    for (const auto& write : writes) {
      send(write);  // the network, without the lock: record() stays instant
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) {
      idle_.notify_all();
    }
  }
  idle_.notify_all();
}

}  // namespace kipvs::k8s
