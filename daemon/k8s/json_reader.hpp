#pragma once

// A small pull-style JSON reader over one complete document in memory. Decoders walk it field by
// field and build core values directly, so no DOM is materialised (speed and peak memory matter for
// LIST bodies of tens of MiB). Strings without escapes are returned as views into the input.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kipvs::k8s {

// Malformed JSON: the document cannot be walked any further.
class JsonError : public std::runtime_error {
 public:
  JsonError(const std::string& what, std::size_t offset)
      : std::runtime_error(what + " at byte " + std::to_string(offset)), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

enum class JsonType : std::uint8_t { Null, Bool, Number, String, Array, Object };

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  JsonType peek();  // type of the next value (skips whitespace)
  bool atEnd();     // nothing but whitespace left
  bool tryNull();   // consumes `null` if it is next
  bool readBool();
  std::int64_t readInt();  // an integral number
  // The next string; a view into the input, or into `scratch` when it had escapes.
  std::string_view readString(std::string& scratch);
  std::string readString();

  // Objects: beginObject(); while (nextKey(key)) { ...consume exactly one value... }
  void beginObject();
  bool nextKey(std::string_view& key);
  // Arrays: beginArray(); while (nextElement()) { ...consume exactly one value... }
  void beginArray();
  bool nextElement();

  void skip();  // consumes one value of any type
  std::size_t offset() const { return pos_; }
  std::string_view rawSince(std::size_t start) const { return text_.substr(start, pos_ - start); }

 private:
  void skipWs();
  char next();  // next significant char, not consumed
  [[noreturn]] void fail(const std::string& what) const;
  void expectLiteral(std::string_view literal);
  std::string_view skipNumber();
  void unescapeInto(std::string& out);

  std::string_view text_;
  std::size_t pos_ = 0;
  bool first_ = false;  // just after '{' or '['
  std::string keyScratch_;
};

}  // namespace kipvs::k8s
