// The watch stream: framing of a chunked body into documents, then each document as a watch event.
// The first input byte chooses the chunk size, so the fuzzer explores how the bytes are split; the
// documents must not depend on it.

#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "k8s/decode.hpp"
#include "k8s/json_stream.hpp"

using namespace kipvs;

namespace {

struct Framed {
  std::vector<std::string> documents;
  bool failed = false;
};

Framed frame(std::string_view body, std::size_t chunk) {
  Framed out;
  k8s::JsonStreamFramer framer;
  try {
    for (std::size_t at = 0; at < body.size(); at += chunk) {
      framer.feed(body.substr(at, chunk),
                  [&](std::string_view document) { out.documents.emplace_back(document); });
    }
  } catch (const k8s::JsonError&) {
    out.failed = true;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t chunk = 1 + data[0] % 16;
  const std::string_view body = fuzz::asText(data + 1, size - 1);
  const Framed whole = frame(body, body.size() + 1);
  const Framed chunked = frame(body, chunk);
  fuzz::check(whole.documents == chunked.documents && whole.failed == chunked.failed,
              "framing does not depend on how the body is chunked");

  for (const auto& document : whole.documents) {
    for (const auto kind : {k8s::ResourceKind::Service, k8s::ResourceKind::EndpointSlice}) {
      try {
        const k8s::WatchEvent event = k8s::decodeEvent(document, kind);
        if (event.type == k8s::EventType::Added || event.type == k8s::EventType::Modified ||
            event.type == k8s::EventType::Deleted) {
          fuzz::check(event.object.has_value() != event.rejected.has_value(),
                      "an object event has one result");
        }
      } catch (const k8s::JsonError&) {
      } catch (const k8s::ProtocolError&) {
      }
    }
  }

  // A small limit: an oversized document is refused with JsonError, and the framer stays usable.
  k8s::JsonStreamFramer small(64);
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    try {
      small.feed(body.substr(at, chunk),
                 [](std::string_view document) { fuzz::check(!document.empty(), "doc"); });
    } catch (const k8s::JsonError&) {
    }
  }
  return 0;
}
