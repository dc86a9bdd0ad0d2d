#include "k8s/event_series.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "core/json_writer.hpp"

namespace kipvs::k8s {
namespace {

constexpr std::size_t kMaxNoteBytes = 1024;  // events.k8s.io/v1 refuses longer notes

std::int64_t micros(std::chrono::seconds seconds) {
  return std::chrono::duration_cast<std::chrono::microseconds>(seconds).count();
}

std::string hex(std::uint64_t value) {
  std::array<char, 17> text{};
  std::snprintf(text.data(), text.size(), "%llx", static_cast<unsigned long long>(value));
  return text.data();
}

}  // namespace

EventSeries::EventSeries(EventSeriesOptions options)
    : options_(options), tokens_(static_cast<double>(options_.burst)) {}

bool EventSeries::takeToken(std::int64_t nowUs) {
  if (refilledUs_ == 0) {
    refilledUs_ = nowUs;
  }
  const double refill = static_cast<double>(micros(options_.refill));
  tokens_ = std::min(static_cast<double>(options_.burst),
                     tokens_ + static_cast<double>(std::max<std::int64_t>(0, nowUs - refilledUs_)) / refill);
  refilledUs_ = nowUs;
  if (tokens_ < 1) {
    return false;
  }
  tokens_ -= 1;
  return true;
}

std::optional<EventWrite> EventSeries::observe(const EventNote& note, std::int64_t nowUs) {
  const Key key{note.regarding, note.reason, note.action, note.warning};
  if (const auto it = series_.find(key); it != series_.end()) {
    auto& event = it->second.event;
    ++event.count;
    event.lastObservedUs = nowUs;
    event.note.note = note.note;  // the latest wording (a port number, an error) is the useful one
    return std::nullopt;
  }
  if (!takeToken(nowUs)) {
    ++counters_.rateLimited;
    return std::nullopt;
  }
  if (series_.size() >= options_.maxSeries) {
    const auto oldest = std::min_element(series_.begin(), series_.end(), [](const auto& a, const auto& b) {
      return a.second.event.lastObservedUs < b.second.event.lastObservedUs;
    });
    series_.erase(oldest);
  }
  EventWrite write;
  write.kind = EventWrite::Kind::Create;
  // client-go names Events "<regarding name>.<creation time in hex nanoseconds>".
  write.name = note.regarding.name + "." + hex(static_cast<std::uint64_t>(nowUs) * 1000U);
  write.ns = note.regarding.ns.empty() ? "default" : note.regarding.ns;
  write.note = note;
  if (write.note.note.size() > kMaxNoteBytes) {
    write.note.note.resize(kMaxNoteBytes);
  }
  write.eventTimeUs = nowUs;
  write.lastObservedUs = nowUs;
  series_.emplace(key, Entry{.event = write, .writtenUs = nowUs, .writtenCount = 1});
  ++counters_.created;
  return write;
}

std::vector<EventWrite> EventSeries::due(std::int64_t nowUs) {
  std::vector<EventWrite> writes;
  for (auto it = series_.begin(); it != series_.end();) {
    auto& entry = it->second;
    const bool grown = entry.event.count > entry.writtenCount;
    if (grown && nowUs - entry.writtenUs >= micros(options_.seriesInterval)) {
      auto update = entry.event;
      update.kind = EventWrite::Kind::UpdateSeries;
      if (update.note.note.size() > kMaxNoteBytes) {
        update.note.note.resize(kMaxNoteBytes);
      }
      writes.push_back(std::move(update));
      entry.writtenUs = nowUs;
      entry.writtenCount = entry.event.count;
      ++counters_.seriesUpdates;
      ++it;
    } else if (!grown && nowUs - entry.event.lastObservedUs >= micros(options_.finishAfter)) {
      it = series_.erase(it);  // finished: the next occurrence is a new Event
    } else {
      ++it;
    }
  }
  return writes;
}

std::optional<std::int64_t> EventSeries::nextDue() const {
  std::optional<std::int64_t> next;
  for (const auto& [key, entry] : series_) {
    const auto at = entry.event.count > entry.writtenCount
                        ? entry.writtenUs + micros(options_.seriesInterval)
                        : entry.event.lastObservedUs + micros(options_.finishAfter);
    next = next ? std::min(*next, at) : at;
  }
  return next;
}

std::string formatMicroTime(std::int64_t unixUs) {
  using namespace std::chrono;
  const sys_time<microseconds> time{microseconds(unixUs)};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> clock{time - day};
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text.data();
}

std::string encodeEventCreate(const EventWrite& write, const std::string& reportingController,
                              const std::string& reportingInstance) {
  std::ostringstream text;
  core::JsonWriter out(text);
  out.beginObject().field("apiVersion", "events.k8s.io/v1").field("kind", "Event");
  out.key("metadata").beginObject().field("name", write.name).field("namespace", write.ns).endObject();
  out.field("eventTime", formatMicroTime(write.eventTimeUs))
      .field("reportingController", reportingController)
      .field("reportingInstance", reportingInstance)
      .field("action", write.note.action)
      .field("reason", write.note.reason)
      .field("type", write.note.warning ? "Warning" : "Normal")
      .field("note", write.note.note);
  const auto& object = write.note.regarding;
  out.key("regarding").beginObject().field("apiVersion", object.apiVersion).field("kind", object.kind);
  if (!object.ns.empty()) {
    out.field("namespace", object.ns);
  }
  out.field("name", object.name);
  if (!object.uid.empty()) {
    out.field("uid", object.uid);
  }
  out.endObject().endObject();
  return text.str();
}

std::string encodeSeriesPatch(const EventWrite& write) {
  std::ostringstream text;
  core::JsonWriter out(text);
  out.beginObject().key("series").beginObject();
  out.field("count", write.count).field("lastObservedTime", formatMicroTime(write.lastObservedUs));
  out.endObject().field("note", write.note.note).endObject();
  return text.str();
}

}  // namespace kipvs::k8s
