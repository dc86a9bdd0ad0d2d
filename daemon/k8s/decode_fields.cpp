#include "k8s/decode_fields.hpp"

#include <charconv>

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

}  // namespace

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
    } else if (key == "annotations" && detail == MetaDetail::Full) {
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
