#pragma once

// A small compact JSON writer into a string (commas placed for the caller; UTF-8 passed through,
// quotes, backslashes and control characters escaped). Used to write Kubernetes-shaped JSON that the
// decoders in this layer read back.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::k8s {

class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view text);
  JsonWriter& boolean(bool value);
  JsonWriter& number(std::int64_t value);

  JsonWriter& field(std::string_view name, std::string_view text) { return key(name).string(text); }
  JsonWriter& field(std::string_view name, const char* text) { return key(name).string(text); }
  JsonWriter& field(std::string_view name, bool value) { return key(name).boolean(value); }
  JsonWriter& field(std::string_view name, std::int64_t value) { return key(name).number(value); }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool afterKey_ = false;
};

}  // namespace kipvs::k8s
