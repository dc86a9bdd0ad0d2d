#pragma once

// Kubernetes Events (events.k8s.io/v1) about kipvs's own work, deduplicated into series and rate
// limited the way client-go's events library does it (k8s.io/client-go/tools/events,
// event_broadcaster.go): the first occurrence of an event is created; repeats of the same event
// (same regarding object, reason, action and type) only bump its series {count, lastObservedTime},
// written back at most once per `seriesInterval`; a series not observed for `finishAfter` is finished
// and the next occurrence creates a new Event. Creations draw from a token bucket, so a flapping
// Service cannot flood the API server. Pure: the caller passes the time and sends the writes.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace kipvs::k8s {

struct EventObject {
  std::string apiVersion = "v1";
  std::string kind;  // "Node", "Service"
  std::string ns;    // empty for cluster-scoped objects (Node)
  std::string name;
  std::string uid;

  auto operator<=>(const EventObject&) const = default;
};

struct EventNote {
  EventObject regarding;
  bool warning = false;  // type Warning, else Normal
  std::string reason;    // UpperCamelCase: "Started", "UnknownScheduler", "HealthCheckPortInUse"
  std::string action;    // what kipvs was doing: "Starting", "Programming", "Serving"
  std::string note;      // for people; at most 1 kB is sent

  bool operator==(const EventNote&) const = default;
};

// One request to the API server.
struct EventWrite {
  enum class Kind : std::uint8_t { Create, UpdateSeries };
  Kind kind = Kind::Create;
  std::string name;  // metadata.name
  std::string ns;    // where the Event lives: the object's namespace, "default" for Nodes
  EventNote note;
  std::int64_t eventTimeUs = 0;     // first occurrence (Unix µs)
  std::uint32_t count = 1;          // UpdateSeries: occurrences so far
  std::int64_t lastObservedUs = 0;  // UpdateSeries
};

struct EventSeriesOptions {
  std::uint32_t burst = 25;                 // creations allowed at once
  std::chrono::seconds refill{10};          // one more creation allowed per refill
  std::chrono::seconds seriesInterval{30};  // least time between two writes of one series
  std::chrono::seconds finishAfter{std::chrono::minutes(6)};
  std::size_t maxSeries = 1024;  // remembered at once; beyond, the oldest is finished
};

struct EventCounters {
  std::uint64_t created = 0;
  std::uint64_t seriesUpdates = 0;
  std::uint64_t rateLimited = 0;  // creations dropped by the token bucket
};

class EventSeries {
 public:
  explicit EventSeries(EventSeriesOptions options = {});

  // `note` happened at `nowUs`: the creation to send now, or nothing (a repeat, or rate limited).
  std::optional<EventWrite> observe(const EventNote& note, std::int64_t nowUs);
  // Series updates due at `nowUs`; finished series are forgotten.
  std::vector<EventWrite> due(std::int64_t nowUs);
  // The earliest time due() has something to do (nullopt: nothing pending).
  std::optional<std::int64_t> nextDue() const;

  const EventCounters& counters() const { return counters_; }
  std::size_t size() const { return series_.size(); }

 private:
  using Key = std::tuple<EventObject, std::string, std::string, bool>;  // regarding, reason, action, warning
  struct Entry {
    EventWrite event;  // as created, count and lastObserved kept current
    std::int64_t writtenUs = 0;
    std::uint32_t writtenCount = 1;
  };
  bool takeToken(std::int64_t nowUs);

  EventSeriesOptions options_;
  std::map<Key, Entry> series_;
  double tokens_;
  std::int64_t refilledUs_ = 0;
  EventCounters counters_;
};

// The JSON body of an Event creation (POST …/namespaces/<ns>/events).
std::string encodeEventCreate(const EventWrite& write, const std::string& reportingController,
                              const std::string& reportingInstance);
// The JSON merge patch of a series update (PATCH …/events/<name>).
std::string encodeSeriesPatch(const EventWrite& write);
// "2025-10-02T09:01:17.123456Z" (metav1.MicroTime).
std::string formatMicroTime(std::int64_t unixUs);

}  // namespace kipvs::k8s
