// Static manifests: YAML → JSON, then the manifest reader on the same text as YAML and as JSON. Every
// JSON document the converter emits must be one valid JSON value; a bad file only becomes an error.

#include "fuzz_support.hpp"
#include "k8s/json_reader.hpp"
#include "k8s/static_source.hpp"
#include "k8s/yaml_json.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  try {
    for (const auto& json : k8s::yamlDocumentsToJson(text)) {
      k8s::JsonReader reader(json);
      try {
        reader.skip();
        fuzz::check(reader.atEnd(), "one JSON value per YAML document");
      } catch (const k8s::JsonError&) {
        fuzz::check(false, "yamlDocumentsToJson emits valid JSON");
      }
    }
  } catch (const k8s::YamlError& e) {
    fuzz::check(e.what()[0] != '\0', "a YAML error says why");
  }
  for (const bool json : {false, true}) {
    k8s::ManifestSet set;
    k8s::readManifestText(text, "fuzz.yaml", json, set);
    for (const auto& service : set.services.items) {
      const auto& meta = k8s::metaOf(service);
      fuzz::check(!meta.ns.empty(), "static objects get a namespace");
    }
  }
  return 0;
}
