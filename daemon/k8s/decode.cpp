#include "k8s/decode.hpp"

#include <algorithm>

#include "k8s/decode_fields.hpp"

namespace kipvs::k8s {

namespace {

constexpr std::string_view kInitialEventsEnd = "k8s.io/initial-events-end";

int readSmallInt(JsonReader& reader) {
  if (reader.tryNull() || reader.peek() != JsonType::Number) {
    reader.skip();
    return 0;
  }
  try {
    return static_cast<int>(std::clamp<std::int64_t>(reader.readInt(), -1000000, 1000000));
  } catch (const JsonError&) {
    reader.skip();
    return 0;
  }
}

void readDetails(JsonReader& reader, Status& status) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "retryAfterSeconds") {
      status.retryAfterSeconds = readSmallInt(reader);
    } else if (key == "causes" && !reader.tryNull()) {
      reader.beginArray();
      while (reader.nextElement()) {
        reader.beginObject();
        while (reader.nextKey(key)) {
          if (key == "reason") {
            status.causeReasons.push_back(detail::readOptString(reader));
          } else {
            reader.skip();
          }
        }
      }
    } else if (key != "causes") {
      reader.skip();
    }
  }
}

}  // namespace

std::string_view toString(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Service:
      return "Service";
    case ResourceKind::EndpointSlice:
      return "EndpointSlice";
    case ResourceKind::Node:
      return "Node";
  }
  return "?";
}

std::string_view toString(EventType type) {
  static constexpr std::string_view kNames[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"};
  return kNames[static_cast<std::size_t>(type)];
}

const core::ObjectMeta& metaOf(const Object& object) {
  return std::visit([](const auto& value) -> const core::ObjectMeta& { return value.meta; }, object);
}

std::string Rejected::describe() const {
  std::string who = meta.ns.empty() ? meta.name : meta.ns + "/" + meta.name;
  return kind + " " + (who.empty() ? std::string("<unnamed>") : who) + ": " + reason;
}

ObjectResult decodeObject(JsonReader& reader, ResourceKind kind) {
  detail::Issues issues;
  Object object = [&]() -> Object {
    switch (kind) {
      case ResourceKind::Service:
        return detail::decodeServiceBody(reader, issues);
      case ResourceKind::EndpointSlice:
        return detail::decodeSliceBody(reader, issues);
      case ResourceKind::Node:
        break;
    }
    return detail::decodeNodeBody(reader, issues);
  }();
  const core::ObjectMeta& meta = metaOf(object);
  if (meta.name.empty()) {
    issues.add("metadata.name: missing");
  }
  if (issues.any()) {
    core::ObjectMeta ident{.ns = meta.ns,
                           .name = meta.name,
                           .uid = meta.uid,
                           .resourceVersion = meta.resourceVersion,
                           .labels = {},
                           .annotations = {},
                           .deleting = meta.deleting};
    return {std::nullopt, Rejected{std::string(toString(kind)), std::move(ident), issues.first()}};
  }
  return {std::move(object), std::nullopt};
}

ObjectResult decodeObject(std::string_view json, ResourceKind kind) {
  JsonReader reader(json);
  ObjectResult result = decodeObject(reader, kind);
  if (!reader.atEnd()) {
    throw JsonError("trailing data after object", reader.offset());
  }
  return result;
}

std::optional<ObjectResult> decodeAnyObject(JsonReader& reader) {
  const std::size_t start = reader.offset();
  std::string kindName;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "kind") {
      kindName = detail::readOptString(reader);
    } else {
      reader.skip();
    }
  }
  JsonReader again(reader.rawSince(start));
  if (kindName == "Service") {
    return decodeObject(again, ResourceKind::Service);
  }
  if (kindName == "EndpointSlice") {
    return decodeObject(again, ResourceKind::EndpointSlice);
  }
  if (kindName == "Node") {
    return decodeObject(again, ResourceKind::Node);
  }
  return std::nullopt;
}

bool Status::isTooLargeResourceVersion() const {
  return std::find(causeReasons.begin(), causeReasons.end(), "ResourceVersionTooLarge") !=
             causeReasons.end() ||
         message.find("Too large resource version") != std::string::npos;
}

Status decodeStatus(JsonReader& reader) {
  Status status;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "code") {
      status.code = readSmallInt(reader);
    } else if (key == "status") {
      status.status = detail::readOptString(reader);
    } else if (key == "reason") {
      status.reason = detail::readOptString(reader);
    } else if (key == "message") {
      status.message = detail::readOptString(reader);
    } else if (key == "details") {
      readDetails(reader, status);
    } else if (key == "metadata" && !reader.tryNull()) {
      reader.beginObject();
      while (reader.nextKey(key)) {
        if (key == "continue") {
          status.continueToken = detail::readOptString(reader);
        } else {
          reader.skip();
        }
      }
    } else if (key != "metadata") {
      reader.skip();
    }
  }
  return status;
}

Status decodeStatusBody(std::string_view body, int httpCode) {
  try {
    JsonReader reader(body);
    if (reader.peek() == JsonType::Object) {
      Status status = decodeStatus(reader);
      if (status.code == 0) {
        status.code = httpCode;
      }
      return status;
    }
  } catch (const JsonError&) {
    // Not JSON: API priority-and-fairness 429s carry a plain-text body.
  }
  Status status;
  status.code = httpCode;
  status.message = std::string(body.substr(0, 512));
  while (!status.message.empty() && (status.message.back() == '\n' || status.message.back() == '\r')) {
    status.message.pop_back();
  }
  return status;
}

ListResult decodeList(std::string_view json, ResourceKind kind) {
  ListResult result;
  ListResult meta = decodeListEach(json, kind, [&](ObjectResult&& item) {
    if (item.object) {
      result.items.push_back(std::move(*item.object));
    } else {
      result.rejected.push_back(std::move(*item.rejected));
    }
  });
  result.resourceVersion = std::move(meta.resourceVersion);
  result.continueToken = std::move(meta.continueToken);
  return result;
}

ListResult decodeListEach(std::string_view json, ResourceKind kind,
                          const std::function<void(ObjectResult&&)>& onItem) {
  ListResult result;
  JsonReader reader(json);
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "metadata" && !reader.tryNull()) {
      reader.beginObject();
      while (reader.nextKey(key)) {
        if (key == "resourceVersion") {
          result.resourceVersion = detail::readOptString(reader);
        } else if (key == "continue") {
          result.continueToken = detail::readOptString(reader);
        } else {
          reader.skip();
        }
      }
    } else if (key == "items" && !reader.tryNull()) {
      reader.beginArray();
      while (reader.nextElement()) {
        onItem(decodeObject(reader, kind));
      }
    } else if (key != "metadata" && key != "items") {
      reader.skip();
    }
  }
  if (!reader.atEnd()) {
    throw JsonError("trailing data after list", reader.offset());
  }
  return result;
}

WatchEvent decodeEvent(std::string_view json, ResourceKind kind) {
  WatchEvent event;
  std::string type;
  std::string_view objectJson;
  JsonReader reader(json);
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "type") {
      type = detail::readOptString(reader);
    } else if (key == "object") {
      const std::size_t start = reader.offset();
      reader.skip();
      objectJson = reader.rawSince(start);
    } else {
      reader.skip();
    }
  }
  if (!reader.atEnd()) {
    throw JsonError("trailing data after event", reader.offset());
  }
  static constexpr std::pair<std::string_view, EventType> kTypes[] = {{"ADDED", EventType::Added},
                                                                      {"MODIFIED", EventType::Modified},
                                                                      {"DELETED", EventType::Deleted},
                                                                      {"BOOKMARK", EventType::Bookmark},
                                                                      {"ERROR", EventType::Error}};
  const auto* found =
      std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& t) { return t.first == type; });
  if (found == std::end(kTypes)) {
    throw ProtocolError("invalid watch event type \"" + type + "\"");
  }
  event.type = found->second;
  if (objectJson.empty()) {
    throw ProtocolError("watch event " + type + " without an object");
  }
  JsonReader object(objectJson);
  if (object.tryNull()) {
    throw ProtocolError("watch event " + type + " with a null object");
  }
  switch (event.type) {
    case EventType::Error:
      event.status = decodeStatus(object);
      break;
    case EventType::Bookmark: {
      // Only metadata.resourceVersion (and the initial-events-end annotation) mean anything.
      object.beginObject();
      core::ObjectMeta meta;
      while (object.nextKey(key)) {
        if (key == "metadata") {
          detail::readMeta(object, meta);
        } else {
          object.skip();
        }
      }
      event.resourceVersion = meta.resourceVersion;
      const auto it = meta.annotations.find(std::string(kInitialEventsEnd));
      event.initialEventsEnd = it != meta.annotations.end() && it->second == "true";
      break;
    }
    default: {
      ObjectResult result = decodeObject(object, kind);
      event.resourceVersion =
          result.object ? metaOf(*result.object).resourceVersion : result.rejected->meta.resourceVersion;
      event.object = std::move(result.object);
      event.rejected = std::move(result.rejected);
      break;
    }
  }
  return event;
}

}  // namespace kipvs::k8s
