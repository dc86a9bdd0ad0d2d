// The last-known-good file read at boot: a damaged file is a LastKnownGoodError; a file that decodes
// survives a save and a load unchanged.

#include "fuzz_support.hpp"
#include "k8s/last_known_good.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const k8s::LastKnownGood loaded = k8s::decodeLastKnownGood(fuzz::asText(data, size));
    const std::string saved = k8s::encodeLastKnownGood(loaded.snapshot, loaded.nodeName, loaded.savedAt);
    const k8s::LastKnownGood again = k8s::decodeLastKnownGood(saved);
    fuzz::check(again.snapshot == loaded.snapshot, "save then load keeps the snapshot");
    fuzz::check(again.nodeName == loaded.nodeName, "save then load keeps the node name");
    fuzz::check(again.skipped.empty(), "what was loaded is loadable again");
  } catch (const k8s::LastKnownGoodError&) {
  }
  return 0;
}
