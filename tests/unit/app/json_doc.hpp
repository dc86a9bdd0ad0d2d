#pragma once

// A small editable JSON document for tests that change one field of a Kubernetes object at a time:
// objects keep their member order, leaves are kept as JSON text. A path names a member by key and an
// array element by "[i]" (or every element by "[*]").

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kipvs::testing {

class JsonDoc {
 public:
  using Path = std::vector<std::string>;

  static JsonDoc raw(std::string text);       // a leaf: JSON text as written ("null", "3", "[]", "\"x\"")
  static JsonDoc str(std::string_view text);  // a JSON string
  static JsonDoc object(std::initializer_list<std::pair<std::string, JsonDoc>> members);
  static JsonDoc array(std::vector<JsonDoc> items);
  // Parses JSON text into a tree (strings, numbers and literals stay leaves). Throws on bad input.
  static JsonDoc parse(std::string_view text);
  JsonDoc() = default;

  std::string render() const;
  // Sets the value at `path` (creating objects on the way, but no array elements: a path through a
  // missing element changes nothing), or removes it when `value` is nullopt.
  void set(const Path& path, const std::optional<JsonDoc>& value);
  // The value at `path`, nullopt when absent.
  std::optional<JsonDoc> get(const Path& path) const;

  bool operator==(const JsonDoc&) const = default;

 private:
  enum class Kind : std::uint8_t { Raw, Object, Array };
  void set(const Path& path, std::size_t at, const std::optional<JsonDoc>& value);
  static JsonDoc parseValue(std::string_view text, std::size_t& at);

  Kind kind_ = Kind::Raw;
  std::string raw_ = "null";
  std::vector<std::pair<std::string, JsonDoc>> members_;
  std::vector<JsonDoc> items_;
};

}  // namespace kipvs::testing
