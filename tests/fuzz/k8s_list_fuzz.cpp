// LIST pages of each kind: the buffered and the streaming decoder must agree on every input.

#include "fuzz_support.hpp"
#include "k8s/decode.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = fuzz::asText(data, size);
  for (const auto kind :
       {k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice, k8s::ResourceKind::Node}) {
    bool buffered = false;
    k8s::ListResult list;
    try {
      list = k8s::decodeList(json, kind);
      buffered = true;
    } catch (const k8s::JsonError&) {
    }
    std::size_t objects = 0;
    std::size_t rejected = 0;
    try {
      const k8s::ListResult meta = k8s::decodeListEach(json, kind, [&](k8s::ObjectResult&& item) {
        fuzz::check(item.object.has_value() != item.rejected.has_value(), "exactly one of object/rejected");
        ++(item.object ? objects : rejected);
      });
      fuzz::check(buffered, "decodeListEach accepts only what decodeList accepts");
      fuzz::check(meta.items.empty(), "decodeListEach hands items to the callback only");
      fuzz::check(meta.resourceVersion == list.resourceVersion, "same resourceVersion");
      fuzz::check(meta.continueToken == list.continueToken, "same continue token");
      fuzz::check(objects == list.items.size() && rejected == list.rejected.size(), "same items");
    } catch (const k8s::JsonError&) {
      fuzz::check(!buffered, "decodeListEach rejects only what decodeList rejects");
    }
  }
  return 0;
}
