#pragma once

// Sends kipvs's Events to the API server from a thread of its own, so that a slow, unreachable or
// refusing API server never delays the loop: record() only queues (bounded; a full queue drops the
// note and counts it). The thread folds notes into series (EventSeries), creates and patches Events,
// and counts what the API server answered. A refusal (403 without RBAC for events, 404, …) is logged
// once per status and changes nothing else.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "k8s/event_series.hpp"

namespace kipvs::k8s {

// One request to the API server; returns the HTTP status. Throws TransportError (or any exception)
// when there is no answer.
class EventTransport {
 public:
  virtual ~EventTransport() = default;
  virtual int send(std::string_view method, const std::string& target, std::string_view contentType,
                   const std::string& body) = 0;
};

struct EventSinkCounters {
  std::uint64_t queued = 0;
  std::uint64_t queueFull = 0;    // dropped before the thread saw them
  std::uint64_t rateLimited = 0;  // dropped by the series' token bucket
  std::uint64_t transportErrors = 0;
  std::map<int, std::uint64_t> responses;  // by HTTP status
};

class EventSink {
 public:
  using UnixMicros = std::function<std::int64_t()>;
  static constexpr std::size_t kMaxQueued = 256;
  static constexpr const char* kReportingController = "kipvs.io/kipvsd";

  // `reportingInstance`: this daemon, "kipvsd-<node>".
  EventSink(EventTransport& transport, std::string reportingInstance, EventSeriesOptions options = {},
            UnixMicros now = realtimeMicros);
  ~EventSink();  // stops the thread; what is still queued is dropped
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;

  // Any thread; never waits on the network.
  void record(EventNote note);
  EventSinkCounters counters() const;
  // Waits until every queued note has been handled (tests).
  void drain();

  static std::int64_t realtimeMicros();

 private:
  void run();
  void send(const EventWrite& write);

  EventTransport& transport_;
  std::string instance_;
  UnixMicros now_;
  EventSeries series_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<EventNote> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  EventSinkCounters counters_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace kipvs::k8s
