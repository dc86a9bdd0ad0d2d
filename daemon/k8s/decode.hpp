#pragma once

// JSON → core value types for the objects kipvs watches (k8s.io/api core/v1, discovery/v1 types.go). Pure
// functions over byte buffers. Unknown fields are ignored; a semantically malformed object (bad address,
// impossible port, unknown protocol) is rejected alone with its namespace/name and a reason, never the whole
// list or stream. Broken JSON syntax throws JsonError (the caller can no longer trust the stream).

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/cluster.hpp"
#include "k8s/json_reader.hpp"

namespace kipvs::k8s {

enum class ResourceKind : std::uint8_t { Service, EndpointSlice, Node };
std::string_view toString(ResourceKind kind);

using Object = std::variant<core::Service, core::EndpointSlice, core::Node>;
const core::ObjectMeta& metaOf(const Object& object);

// An object that failed validation: skipped, logged, counted.
struct Rejected {
  std::string kind;
  core::ObjectMeta meta;  // as far as it could be read (namespace/name/uid/resourceVersion)
  std::string reason;

  std::string describe() const;  // "Service shop/web: spec.ports[0].port: 70000 is out of range"
};

struct ObjectResult {
  std::optional<Object> object;
  std::optional<Rejected> rejected;  // exactly one of object/rejected is set
};

// Decodes the object at the reader's position as `kind`.
ObjectResult decodeObject(JsonReader& reader, ResourceKind kind);
ObjectResult decodeObject(std::string_view json, ResourceKind kind);
// Decodes an object whose kind is read from its own "kind" field (static manifests). nullopt when the
// kind is not one kipvs reads (ConfigMap, Deployment, ...); the value is consumed either way.
std::optional<ObjectResult> decodeAnyObject(JsonReader& reader);

// A Kubernetes Status (error responses, ERROR watch events).
struct Status {
  int code = 0;
  std::string status;  // "Success" / "Failure"
  std::string reason;  // Expired, Gone, Timeout, TooManyRequests, Invalid ...
  std::string message;
  std::vector<std::string> causeReasons;  // details.causes[].reason
  int retryAfterSeconds = 0;
  std::string continueToken;  // metadata.continue (expired-continue 410s carry one; never use it)

  bool isExpired() const { return code == 410 || reason == "Expired" || reason == "Gone"; }
  bool isTooLargeResourceVersion() const;
};
Status decodeStatus(JsonReader& reader);
// Decodes an error response body; a body that is not a JSON Status (APF 429s are plain text) becomes
// a Status with only `code` and `message`.
Status decodeStatusBody(std::string_view body, int httpCode);

struct ListResult {
  std::vector<Object> items;
  std::vector<Rejected> rejected;
  std::string resourceVersion;
  std::string continueToken;
};
ListResult decodeList(std::string_view json, ResourceKind kind);
// The same, handing each item to `onItem` as soon as it is decoded (no intermediate vector: a LIST
// can hold tens of thousands of objects). Returns the list's metadata; `items` stays empty.
ListResult decodeListEach(std::string_view json, ResourceKind kind,
                          const std::function<void(ObjectResult&&)>& onItem);

enum class EventType : std::uint8_t { Added, Modified, Deleted, Bookmark, Error };
std::string_view toString(EventType type);

// An event `type` outside the five the API defines: a protocol error (client-go relists).
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WatchEvent {
  EventType type = EventType::Added;
  std::optional<Object> object;      // ADDED/MODIFIED/DELETED that decoded
  std::optional<Rejected> rejected;  // ADDED/MODIFIED/DELETED that did not
  std::string resourceVersion;       // of the object (or bookmark); empty for ERROR
  bool initialEventsEnd = false;     // BOOKMARK annotated k8s.io/initial-events-end: "true"
  Status status;                     // ERROR
};
// One complete watch event document. Throws JsonError or ProtocolError.
WatchEvent decodeEvent(std::string_view json, ResourceKind kind);

}  // namespace kipvs::k8s
