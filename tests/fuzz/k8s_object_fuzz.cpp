// Kubernetes object decoders (Service, EndpointSlice, Node) and Status bodies on arbitrary bytes.
// Malformed JSON may only throw JsonError; a malformed object must come back Rejected, never crash.

#include "fuzz_support.hpp"
#include "k8s/decode.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = fuzz::asText(data, size);
  for (const auto kind :
       {k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice, k8s::ResourceKind::Node}) {
    try {
      const k8s::ObjectResult result = k8s::decodeObject(json, kind);
      fuzz::check(result.object.has_value() != result.rejected.has_value(), "exactly one of object/rejected");
      if (result.rejected) {
        fuzz::check(!result.rejected->describe().empty(), "a rejection says why");
      } else {
        k8s::metaOf(*result.object);
      }
    } catch (const k8s::JsonError&) {
    }
  }
  // Error bodies: anything that is not a JSON Status becomes one; nothing throws.
  const k8s::Status status = k8s::decodeStatusBody(json, 500);
  fuzz::check(status.code != 0, "a decoded error body keeps a code");
  status.isExpired();
  status.isTooLargeResourceVersion();
  return 0;
}
