#include "k8s/decode_fields.hpp"

#include <charconv>
#include <chrono>

namespace kipvs::k8s::detail {

namespace {

bool isSliceLabel(std::string_view key) {
  for (const std::string_view prefix :
       {"kubernetes.io/", "service.kubernetes.io/", "endpointslice.kubernetes.io/"}) {
    if (key.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

bool isSliceAnnotation(std::string_view key) {
  return key == kLastChangeTriggerTime;
}

template <typename T>
bool readFixed(std::string_view& text, std::size_t digits, T& value) {
  if (text.size() < digits) {
    return false;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc{} || end != text.data() + digits) {
    return false;
  }
  text.remove_prefix(digits);
  return true;
}

bool expect(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<std::int64_t> parseRfc3339Ms(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!readFixed(text, 4, year) || !expect(text, '-') || !readFixed(text, 2, month) || !expect(text, '-') ||
      !readFixed(text, 2, day) || (!expect(text, 'T') && !expect(text, 't')) || !readFixed(text, 2, hour) ||
      !expect(text, ':') || !readFixed(text, 2, minute) || !expect(text, ':') ||
      !readFixed(text, 2, second)) {
    return std::nullopt;
  }
  std::int64_t millis = 0;
  if (expect(text, '.')) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      if (digits < 3) {
        millis = millis * 10 + (text[digits] - '0');
      }
      ++digits;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (std::size_t i = digits; i < 3; ++i) {
      millis *= 10;
    }
    text.remove_prefix(digits);
  }
  int offsetMinutes = 0;
  if (!expect(text, 'Z') && !expect(text, 'z')) {
    const int sign = expect(text, '+') ? 1 : expect(text, '-') ? -1 : 0;
    int offsetHours = 0;
    int offsetMins = 0;
    if (sign == 0 || !readFixed(text, 2, offsetHours) || !expect(text, ':') ||
        !readFixed(text, 2, offsetMins)) {
      return std::nullopt;
    }
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!text.empty() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds =
      std::int64_t{days} * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  return seconds * 1000 + millis;
}

void readStringMap(JsonReader& reader, core::Labels& out, bool (*keep)(std::string_view)) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (keep != nullptr && !keep(key)) {
      reader.skip();
      continue;
    }
    std::string name(key);
    if (reader.peek() == JsonType::String) {
      out.insert_or_assign(std::move(name), reader.readString());
    } else {
      reader.skip();  // the API only has string values; tolerate odd manifests
    }
  }
}

std::string readOptString(JsonReader& reader) {
  return reader.tryNull() ? std::string{} : reader.readString();
}

bool readOptBool(JsonReader& reader, bool fallback) {
  return reader.tryNull() ? fallback : reader.readBool();
}

std::string Field::str() const {
  std::string out(base);
  if (index != kNone) {
    out += "[" + std::to_string(index) + "]";
  }
  out += leaf;
  if (index2 != kNone) {
    out += "[" + std::to_string(index2) + "]";
  }
  return out;
}

void readMeta(JsonReader& reader, core::ObjectMeta& meta, MetaDetail detail) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "name") {
      meta.name = readOptString(reader);
    } else if (key == "namespace") {
      meta.ns = readOptString(reader);
    } else if (key == "uid") {
      meta.uid = readOptString(reader);
    } else if (key == "resourceVersion") {
      meta.resourceVersion = readOptString(reader);
    } else if (key == "labels") {
      readStringMap(reader, meta.labels, detail == MetaDetail::SliceLabelsOnly ? isSliceLabel : nullptr);
    } else if (key == "annotations") {
      readStringMap(reader, meta.annotations, detail == MetaDetail::Full ? nullptr : isSliceAnnotation);
    } else if (key == "deletionTimestamp") {
      meta.deleting = !reader.tryNull();
      if (meta.deleting) {
        reader.skip();
      }
    } else {
      reader.skip();
    }
  }
}

std::int64_t readIntIn(JsonReader& reader, std::int64_t min, std::int64_t max, std::int64_t fallback,
                       Issues& issues, const Field& field) {
  if (reader.tryNull()) {
    return fallback;
  }
  if (reader.peek() != JsonType::Number) {
    issues.add(field.str() + ": not a number");
    reader.skip();
    return fallback;
  }
  std::int64_t value = 0;
  try {
    value = reader.readInt();
  } catch (const JsonError&) {
    // A fraction or exponent: syntactically fine, semantically wrong for a port or count.
    issues.add(field.str() + ": not an integer");
    reader.skip();
    return fallback;
  }
  if (value < min || value > max) {
    issues.add(field.str() + ": " + std::to_string(value) + " is out of range");
    return fallback;
  }
  return value;
}

void parseAddress(std::string_view text, std::vector<core::IpAddress>& out, Issues& issues,
                  const Field& field) {
  if (const auto address = core::IpAddress::parse(text)) {
    out.push_back(*address);
  } else {
    issues.add(field.str() + ": invalid IP address \"" + std::string(text) + "\"");
  }
}

core::Protocol readProtocol(JsonReader& reader, Issues& issues, const Field& field) {
  if (reader.tryNull()) {
    return core::Protocol::Tcp;
  }
  std::string scratch;
  const std::string_view text = reader.readString(scratch);
  if (text.empty()) {
    return core::Protocol::Tcp;  // the API defaults an unset protocol to TCP
  }
  if (const auto protocol = core::parseProtocol(text)) {
    return *protocol;
  }
  issues.add(field.str() + ": unsupported protocol \"" + std::string(text) + "\"");
  return core::Protocol::Tcp;
}

}  // namespace kipvs::k8s::detail
