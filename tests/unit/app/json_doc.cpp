#include "json_doc.hpp"

#include <algorithm>
#include <stdexcept>

namespace kipvs::testing {

JsonDoc JsonDoc::raw(std::string text) {
  JsonDoc doc;
  doc.raw_ = std::move(text);
  return doc;
}

JsonDoc JsonDoc::str(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return raw(quoted + "\"");
}

JsonDoc JsonDoc::object(std::initializer_list<std::pair<std::string, JsonDoc>> members) {
  JsonDoc doc;
  doc.kind_ = Kind::Object;
  doc.members_.assign(members.begin(), members.end());
  return doc;
}

JsonDoc JsonDoc::array(std::vector<JsonDoc> items) {
  JsonDoc doc;
  doc.kind_ = Kind::Array;
  doc.items_ = std::move(items);
  return doc;
}

namespace {

void skipSpace(std::string_view text, std::size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\t' || text[at] == '\r')) {
    ++at;
  }
}

void expect(std::string_view text, std::size_t& at, char c) {
  skipSpace(text, at);
  if (at >= text.size() || text[at] != c) {
    throw std::invalid_argument("JsonDoc: expected '" + std::string(1, c) + "' at " + std::to_string(at) +
                                " in " + std::string(text));
  }
  ++at;
}

std::size_t stringEnd(std::string_view text, std::size_t at) {  // `at` is on the opening quote
  for (++at; at < text.size(); ++at) {
    if (text[at] == '\\') {
      ++at;
    } else if (text[at] == '"') {
      return at + 1;
    }
  }
  throw std::invalid_argument("JsonDoc: unterminated string in " + std::string(text));
}

}  // namespace

JsonDoc JsonDoc::parse(std::string_view text) {
  std::size_t at = 0;
  JsonDoc doc = parseValue(text, at);
  skipSpace(text, at);
  if (at != text.size()) {
    throw std::invalid_argument("JsonDoc: trailing text in " + std::string(text));
  }
  return doc;
}

JsonDoc JsonDoc::parseValue(std::string_view text, std::size_t& at) {
  skipSpace(text, at);
  if (at >= text.size()) {
    throw std::invalid_argument("JsonDoc: value expected in " + std::string(text));
  }
  if (text[at] == '{') {
    JsonDoc doc = object({});
    ++at;
    skipSpace(text, at);
    if (at < text.size() && text[at] == '}') {
      ++at;
      return doc;
    }
    while (true) {
      skipSpace(text, at);
      const std::size_t end = stringEnd(text, at);
      std::string key(text.substr(at + 1, end - at - 2));
      at = end;
      expect(text, at, ':');
      doc.members_.emplace_back(std::move(key), parseValue(text, at));
      skipSpace(text, at);
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      expect(text, at, '}');
      return doc;
    }
  }
  if (text[at] == '[') {
    JsonDoc doc = array({});
    ++at;
    skipSpace(text, at);
    if (at < text.size() && text[at] == ']') {
      ++at;
      return doc;
    }
    while (true) {
      doc.items_.push_back(parseValue(text, at));
      skipSpace(text, at);
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      expect(text, at, ']');
      return doc;
    }
  }
  const std::size_t start = at;
  if (text[at] == '"') {
    at = stringEnd(text, at);
  } else {
    while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' && text[at] != ' ') {
      ++at;
    }
  }
  return raw(std::string(text.substr(start, at - start)));
}

std::string JsonDoc::render() const {
  switch (kind_) {
    case Kind::Raw:
      return raw_;
    case Kind::Object: {
      std::string out = "{";
      for (const auto& [key, value] : members_) {
        out += (out.size() > 1 ? "," : "") + str(key).raw_ + ":" + value.render();
      }
      return out + "}";
    }
    case Kind::Array: {
      std::string out = "[";
      for (const auto& item : items_) {
        out += (out.size() > 1 ? "," : "") + item.render();
      }
      return out + "]";
    }
  }
  return "null";
}

void JsonDoc::set(const Path& path, const std::optional<JsonDoc>& value) {
  if (path.empty()) {
    *this = value.value_or(raw("null"));
    return;
  }
  set(path, 0, value);
}

void JsonDoc::set(const Path& path, std::size_t at, const std::optional<JsonDoc>& value) {
  const std::string& segment = path[at];
  const bool last = at + 1 == path.size();
  if (segment.starts_with("[")) {
    if (kind_ != Kind::Array) {
      return;  // no such element (the list is absent or null): nothing to change
    }
    const auto apply = [&](std::size_t index) {
      if (!last) {
        items_[index].set(path, at + 1, value);
      } else if (value) {
        items_[index] = *value;
      } else {
        items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
      }
    };
    if (segment == "[*]") {
      for (std::size_t i = items_.size(); i-- > 0;) {
        apply(i);
      }
    } else if (const auto index = std::stoul(segment.substr(1)); index < items_.size()) {
      apply(index);
    }
    return;
  }
  if (kind_ != Kind::Object) {
    if (!value) {
      return;  // nothing below a leaf to remove
    }
    *this = object({});
  }
  auto it = std::find_if(members_.begin(), members_.end(), [&](const auto& m) { return m.first == segment; });
  if (!last) {
    if (it == members_.end()) {
      if (!value || path[at + 1].starts_with("[")) {
        return;  // nothing to remove, or an element of a list that is not there
      }
      members_.emplace_back(segment, object({}));
      it = members_.end() - 1;
    }
    it->second.set(path, at + 1, value);
  } else if (!value) {
    if (it != members_.end()) {
      members_.erase(it);
    }
  } else if (it == members_.end()) {
    members_.emplace_back(segment, *value);
  } else {
    it->second = *value;
  }
}

std::optional<JsonDoc> JsonDoc::get(const Path& path) const {
  const JsonDoc* node = this;
  for (const auto& segment : path) {
    if (segment.starts_with("[")) {
      const auto index = segment == "[*]" ? 0 : std::stoul(segment.substr(1));
      if (node->kind_ != Kind::Array || index >= node->items_.size()) {
        return std::nullopt;
      }
      node = &node->items_[index];
      continue;
    }
    if (node->kind_ != Kind::Object) {
      return std::nullopt;
    }
    const auto it = std::find_if(node->members_.begin(), node->members_.end(),
                                 [&](const auto& m) { return m.first == segment; });
    if (it == node->members_.end()) {
      return std::nullopt;
    }
    node = &it->second;
  }
  return *node;
}

}  // namespace kipvs::testing
