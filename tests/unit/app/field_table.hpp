#pragma once

// Every Service and EndpointSlice field that the desired state, the firewall or the D-Bus view reads
// (k8s/decode_service.cpp, k8s/decode_slice_node.cpp → core/desired_service.cpp,
// core/endpoint_selection.cpp, core/scheduler_config.cpp, core/firewall_deriver.cpp), one row each, with
// the edits a test applies to that field alone: set, change, and remove (absent, null, empty list).
// The rows are data: the Kubernetes watch test and the static-source test run the same table, and the
// property test draws its random edits from it.
//
// Decoded but read by nothing that programs or publishes (so no row): spec.ports[].targetPort (the
// EndpointSlice carries the endpoint port), spec.ipFamilies (the clusterIPs decide the families),
// spec.publishNotReadyAddresses (the EndpointSlice controller applies it), status ingress hostname,
// endpoints[].hostname.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json_doc.hpp"
#include "k8s/decode.hpp"

namespace kipvs::app::testing {

using kipvs::testing::JsonDoc;

inline constexpr const char* kNamespace = "shop";

struct ObjectRef {
  k8s::ResourceKind kind = k8s::ResourceKind::Service;
  std::string name;

  auto operator<=>(const ObjectRef&) const = default;
};

// One value of the field: nullopt removes it (the field absent).
struct FieldValue {
  std::string label;
  std::optional<JsonDoc> value;
};

struct FieldEdit {
  ObjectRef target;
  JsonDoc::Path path;
  std::optional<JsonDoc> value;
};

// Where a change of the field shows in the from-scratch desired state of the base objects (so the row
// proves something): both sources, only with the Node's zone (the watch path), only for static Services,
// or nowhere in the desired state (read for Explain, or by the cache: a new uid is a recreated object).
enum class Effect : std::uint8_t { Both, WatchOnly, StaticOnly, NotInDesiredState };

struct FieldRow {
  std::string field;  // as the API names it
  ObjectRef target;
  JsonDoc::Path path;
  std::vector<FieldValue> values;    // applied one after the other, each a step
  std::vector<FieldEdit> context{};  // applied first (one step) so that the field matters
  Effect effect = Effect::Both;
};

// The objects every row starts from, by kind and name (namespace kNamespace); Node "node-a".
using World = std::map<ObjectRef, JsonDoc>;
World baseWorld();
std::vector<FieldRow> fieldRows();

// The object as the API server would serve it ("@RV@" is the fake server's resourceVersion marker).
std::string renderForServer(const JsonDoc& object);
// The same without a resourceVersion, for a manifest file.
std::string renderForManifest(const JsonDoc& object);

}  // namespace kipvs::app::testing
