#pragma once

// Helpers shared by the per-kind decoders (internal to kipvs_k8s).

#include <cstdint>
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

void readMeta(JsonReader& reader, core::ObjectMeta& meta);
void readStringMap(JsonReader& reader, core::Labels& out);
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
                       Issues& issues, std::string_view field);
void parseAddress(std::string_view text, std::vector<core::IpAddress>& out, Issues& issues,
                  std::string_view field);
core::Protocol readProtocol(JsonReader& reader, Issues& issues, std::string_view field);

core::Service decodeServiceBody(JsonReader& reader, Issues& issues);
core::EndpointSlice decodeSliceBody(JsonReader& reader, Issues& issues);
core::Node decodeNodeBody(JsonReader& reader, Issues& issues);

}  // namespace kipvs::k8s::detail
