// The pull JSON reader on arbitrary bytes: walking a value with typed reads and skipping it must end
// at the same byte, and only JsonError may escape.

#include <string>

#include "fuzz_support.hpp"
#include "k8s/json_reader.hpp"

using namespace kipvs;

namespace {

// A typed walk; deep values are skipped (the walk itself must not be the thing that recurses without end).
void walk(k8s::JsonReader& reader, int depth) {
  if (depth > 32) {
    reader.skip();
    return;
  }
  switch (reader.peek()) {
    case k8s::JsonType::Null:
      fuzz::check(reader.tryNull(), "peek says null");
      return;
    case k8s::JsonType::Bool:
      reader.readBool();
      return;
    case k8s::JsonType::Number: {
      const std::size_t start = reader.offset();
      try {
        reader.readInt();
      } catch (const k8s::JsonError&) {
        fuzz::check(reader.offset() == start, "a failed readInt consumes nothing");
        reader.skip();
      }
      return;
    }
    case k8s::JsonType::String: {
      std::string scratch;
      const std::string_view view = reader.readString(scratch);
      const std::string copy(view);
      fuzz::check(copy.size() == view.size(), "string copy");
      return;
    }
    case k8s::JsonType::Array:
      reader.beginArray();
      while (reader.nextElement()) {
        walk(reader, depth + 1);
      }
      return;
    case k8s::JsonType::Object: {
      reader.beginObject();
      std::string_view key;
      while (reader.nextKey(key)) {
        walk(reader, depth + 1);
      }
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  std::size_t walked = 0;
  bool walkedOk = false;
  try {
    k8s::JsonReader reader(text);
    walk(reader, 0);
    walked = reader.offset();
    walkedOk = true;
    reader.atEnd();
  } catch (const k8s::JsonError& e) {
    fuzz::check(e.offset() <= text.size(), "error offset inside the input");
  }
  try {
    k8s::JsonReader reader(text);
    reader.skip();
    fuzz::check(walkedOk && reader.offset() == walked, "skip and a typed walk agree");
  } catch (const k8s::JsonError& e) {
    fuzz::check(!walkedOk, "skip rejects only what a typed walk rejects");
    fuzz::check(e.offset() <= text.size(), "error offset inside the input");
  }
  return 0;
}
