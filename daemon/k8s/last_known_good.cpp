#include "k8s/last_known_good.hpp"

#include <sstream>

#include "core/json_writer.hpp"
#include "k8s/cache.hpp"
#include "k8s/decode.hpp"
#include "k8s/encode.hpp"
#include "k8s/json_reader.hpp"

namespace kipvs::k8s {
namespace {

using core::JsonWriter;

struct Header {
  bool present = false;
  std::int64_t format = 0;
  std::string nodeName;
  std::string savedAt;
};

Header readHeader(JsonReader& reader) {
  Header header;
  header.present = true;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "format" && reader.peek() == JsonType::Number) {
      header.format = reader.readInt();
    } else if (key == "nodeName" && reader.peek() == JsonType::String) {
      header.nodeName = reader.readString();
    } else if (key == "savedAt" && reader.peek() == JsonType::String) {
      header.savedAt = reader.readString();
    } else {
      reader.skip();
    }
  }
  return header;
}

std::string readResourceVersion(JsonReader& reader) {
  std::string version;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "resourceVersion" && reader.peek() == JsonType::String) {
      version = reader.readString();
    } else {
      reader.skip();
    }
  }
  return version;
}

}  // namespace

std::string encodeLastKnownGood(const core::ClusterSnapshot& snapshot, std::string_view nodeName,
                                std::string_view savedAt) {
  std::ostringstream text;
  JsonWriter out(text);
  out.beginObject().field("apiVersion", "v1").field("kind", "List");
  out.key("metadata").beginObject().field("resourceVersion", snapshot.resourceVersion).endObject();
  out.key("kipvs").beginObject();
  out.field("format", std::int64_t{kLastKnownGoodFormat})
      .field("nodeName", nodeName)
      .field("savedAt", savedAt);
  out.endObject();
  out.key("items").beginArray();
  for (const auto& [key, service] : snapshot.services) {
    encodeService(out, service);
  }
  for (const auto& [key, slices] : snapshot.slicesByService) {
    for (const auto& slice : slices) {
      encodeEndpointSlice(out, slice);
    }
  }
  if (snapshot.node) {
    encodeNode(out, *snapshot.node);
  }
  out.endArray().endObject();
  text << '\n';
  return text.str();
}

LastKnownGood decodeLastKnownGood(std::string_view text) {
  LastKnownGood result;
  std::string kind;
  std::string resourceVersion;
  Header header;
  std::vector<Object> services;
  std::vector<Object> slices;
  std::vector<Object> nodes;
  bool sawItems = false;
  try {
    JsonReader reader(text);
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "kind" && reader.peek() == JsonType::String) {
        kind = reader.readString();
      } else if (key == "metadata" && reader.peek() == JsonType::Object) {
        resourceVersion = readResourceVersion(reader);
      } else if (key == "kipvs" && reader.peek() == JsonType::Object) {
        header = readHeader(reader);
      } else if (key == "items" && reader.peek() == JsonType::Array) {
        sawItems = true;
        reader.beginArray();
        while (reader.nextElement()) {
          auto item = decodeAnyObject(reader);
          if (!item) {
            continue;  // a kind kipvs does not read
          }
          if (item->rejected) {
            result.skipped.push_back(item->rejected->describe());
            continue;
          }
          auto& into = std::holds_alternative<core::Service>(*item->object)         ? services
                       : std::holds_alternative<core::EndpointSlice>(*item->object) ? slices
                                                                                    : nodes;
          into.push_back(std::move(*item->object));
        }
      } else {
        reader.skip();
      }
    }
    if (!reader.atEnd()) {
      throw JsonError("unexpected data after the document", reader.offset());
    }
  } catch (const JsonError& error) {
    throw LastKnownGoodError(std::string("corrupt or truncated JSON: ") + error.what());
  }
  if (kind != "List" || !header.present || !sawItems) {
    throw LastKnownGoodError("not a kipvs last-known-good file (no List with a kipvs header and items)");
  }
  if (header.format != kLastKnownGoodFormat) {
    throw LastKnownGoodError("unsupported format " + std::to_string(header.format) + " (this kipvsd reads " +
                             std::to_string(kLastKnownGoodFormat) + ")");
  }
  if (header.nodeName.empty()) {
    throw LastKnownGoodError("the kipvs header names no node");
  }
  ClusterCache cache;
  Delta delta;
  cache.replace(ResourceKind::Service, std::move(services), {}, resourceVersion, delta);
  cache.replace(ResourceKind::EndpointSlice, std::move(slices), {}, resourceVersion, delta);
  cache.replace(ResourceKind::Node, std::move(nodes), {}, resourceVersion, delta);
  result.nodeName = std::move(header.nodeName);
  result.savedAt = std::move(header.savedAt);
  result.snapshot = cache.snapshot();
  return result;
}

}  // namespace kipvs::k8s
