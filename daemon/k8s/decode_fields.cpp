#include "k8s/decode_fields.hpp"

#include <charconv>

namespace kipvs::k8s::detail {

void readStringMap(JsonReader& reader, core::Labels& out) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
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

void readMeta(JsonReader& reader, core::ObjectMeta& meta) {
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
      readStringMap(reader, meta.labels);
    } else if (key == "annotations") {
      readStringMap(reader, meta.annotations);
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
                       Issues& issues, std::string_view field) {
  if (reader.tryNull()) {
    return fallback;
  }
  if (reader.peek() != JsonType::Number) {
    issues.add(std::string(field) + ": not a number");
    reader.skip();
    return fallback;
  }
  std::int64_t value = 0;
  try {
    value = reader.readInt();
  } catch (const JsonError&) {
    // A fraction or exponent: syntactically fine, semantically wrong for a port or count.
    issues.add(std::string(field) + ": not an integer");
    reader.skip();
    return fallback;
  }
  if (value < min || value > max) {
    issues.add(std::string(field) + ": " + std::to_string(value) + " is out of range");
    return fallback;
  }
  return value;
}

void parseAddress(std::string_view text, std::vector<core::IpAddress>& out, Issues& issues,
                  std::string_view field) {
  if (const auto address = core::IpAddress::parse(text)) {
    out.push_back(*address);
  } else {
    issues.add(std::string(field) + ": invalid IP address \"" + std::string(text) + "\"");
  }
}

core::Protocol readProtocol(JsonReader& reader, Issues& issues, std::string_view field) {
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
  issues.add(std::string(field) + ": unsupported protocol \"" + std::string(text) + "\"");
  return core::Protocol::Tcp;
}

}  // namespace kipvs::k8s::detail
