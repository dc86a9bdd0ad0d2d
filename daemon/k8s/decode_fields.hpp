#pragma once

// Helpers shared by the per-kind decoders (internal to kipvs_k8s).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"
#include "k8s/json_reader.hpp"

namespace kipvs::k8s::detail {

// Collects the first semantic problem of an object while the decoder keeps walking it, so the
// reader always ends after the object and the rejection can name namespace/name.
class Issues {
 public:
  void add(std::string problem) {
    if (first_.empty()) {
      first_ = std::move(problem);
    }
  }
  bool any() const { return !first_.empty(); }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// Slices keep only the labels that mean something on a slice (kubernetes.io/,
// service.kubernetes.io/, endpointslice.kubernetes.io/) and one annotation (below): the controller copies
// every Service label onto each slice, and in a large LIST those copies are a fifth of the memory.
enum class MetaDetail : std::uint8_t { Full, SliceLabelsOnly };
// Where a problem is, built into text only when there is a problem (decoding must not allocate
// a path string for every field of a 40 MB LIST): base[index]leaf[index2].
struct Field {
  static constexpr std::size_t kNone = ~std::size_t{0};
  Field(std::string_view b, std::size_t i = kNone, std::string_view l = {}, std::size_t i2 = kNone)
      : base(b), index(i), leaf(l), index2(i2) {}
  std::string_view base;
  std::size_t index;
  std::string_view leaf;
  std::size_t index2;

  std::string str() const;
};

// With SliceLabelsOnly, annotations keep only endpoints.kubernetes.io/last-change-trigger-time (the
// cache takes it off the slice into the delta; see ClusterCache::upsertSlice).
void readMeta(JsonReader& reader, core::ObjectMeta& meta, MetaDetail detail = MetaDetail::Full);
inline constexpr std::string_view kLastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";
// RFC 3339 ("2024-05-01T10:00:00Z", "…T10:00:00.123456789+02:00") to Unix milliseconds.
std::optional<std::int64_t> parseRfc3339Ms(std::string_view text);
void readStringMap(JsonReader& reader, core::Labels& out, bool (*keep)(std::string_view) = nullptr);
std::string readOptString(JsonReader& reader);        // null → ""
bool readOptBool(JsonReader& reader, bool fallback);  // null → fallback
// Reads an array of strings (null → empty), calling fn(index, value) for each.
template <typename Fn>
void forEachString(JsonReader& reader, Fn&& fn) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginArray();
  std::string scratch;
  std::size_t index = 0;
  while (reader.nextElement()) {
    fn(index++, reader.readString(scratch));
  }
}
// Integer field in [min, max]; otherwise an issue is recorded and `fallback` returned.
std::int64_t readIntIn(JsonReader& reader, std::int64_t min, std::int64_t max, std::int64_t fallback,
                       Issues& issues, const Field& field);
void parseAddress(std::string_view text, std::vector<core::IpAddress>& out, Issues& issues,
                  const Field& field);
core::Protocol readProtocol(JsonReader& reader, Issues& issues, const Field& field);

core::Service decodeServiceBody(JsonReader& reader, Issues& issues);
core::EndpointSlice decodeSliceBody(JsonReader& reader, Issues& issues);
core::Node decodeNodeBody(JsonReader& reader, Issues& issues);

}  // namespace kipvs::k8s::detail
