#include "k8s/yaml_json.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <sstream>
#include <unordered_map>

namespace kipvs::k8s {
namespace {

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// A YAML 1.2 core-schema number ([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?) in JSON's
// spelling: no '+', no leading zeros, digits on both sides of the point. nullopt: not a number.
// Hand-written: std::regex recurses per character and overflows the stack on long scalars.
std::optional<std::string> jsonNumber(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && isDigit(text[i])) {
      ++i;
    }
    return text.substr(start, i - start);
  };
  std::string out;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    out += text[i] == '-' ? "-" : "";
    ++i;
  }
  std::string_view whole = digits();
  std::optional<std::string_view> fraction;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole.empty() && fraction.value_or("").empty()) {
    return std::nullopt;
  }
  std::string_view exponent;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    const std::size_t start = i++;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      ++i;
    }
    if (digits().empty()) {
      return std::nullopt;
    }
    exponent = text.substr(start);
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  while (whole.size() > 1 && whole.front() == '0') {
    whole.remove_prefix(1);
  }
  out += whole.empty() ? "0" : whole;
  if (fraction) {
    out += '.';
    out += fraction->empty() ? "0" : *fraction;
  }
  out += exponent;
  return out;
}

// YAML 1.2 core schema for plain scalars.
void appendPlainScalar(std::string& out, const std::string& text) {
  if (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.empty()) {
    out += "null";
  } else if (text == "true" || text == "True" || text == "TRUE") {
    out += "true";
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out += "false";
  } else if (const auto number = jsonNumber(text)) {
    out += *number;
  } else {
    appendJsonString(out, text);
  }
}

// Builds each document's JSON straight from the parser's events (no YAML::Node tree): a flat stack,
// so nesting never recurses here, and aliases are copies of their anchor's JSON, bounded in total.
class JsonBuilder : public YAML::EventHandler {
 public:
  std::vector<std::string> documents;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 reports a stray flow indicator (a lone ',') as an endless run of empty documents
    // that never consume it (jbeder/yaml-cpp#1040): an empty document where the last one began.
    if (lastEmptyStart_ && *lastEmptyStart_ == mark.pos) {
      fail(mark, "unexpected character (not a YAML node)");
    }
    documentStart_ = mark.pos;
    json_.clear();
    frames_.clear();
    anchors_.clear();
  }

  void OnDocumentEnd() override {
    if (json_ == "null") {
      lastEmptyStart_ = documentStart_;  // empty documents are skipped
    } else {
      lastEmptyStart_.reset();
      documents.push_back(std::move(json_));
    }
    json_.clear();
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const bool key = inKey();
    const std::size_t start = beginNode(mark, false);
    json_ += key ? "\"\"" : "null";
    endNode(start, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      fail(mark, "alias to a node that is not complete yet");
    }
    const std::size_t start = beginNode(mark, found->second.front() != '"');
    json_ += found->second;
    endNode(start, YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool key = inKey();
    const std::size_t start = beginNode(mark, false);
    if (key || tag == "!") {  // keys and quoted scalars are always strings
      appendJsonString(json_, value);
    } else {
      appendPlainScalar(json_, value);
    }
    endNode(start, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    frames_.push_back({beginNode(mark, true), anchor, false, 0});
    json_ += '[';
  }
  void OnSequenceEnd() override { endCollection(']'); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    frames_.push_back({beginNode(mark, true), anchor, true, 0});
    json_ += '{';
  }
  void OnMapEnd() override { endCollection('}'); }

 private:
  // Everything aliases may copy into one stream, beyond which it is refused ("billion laughs").
  static constexpr std::size_t kMaxJson = 16U << 20;

  struct Frame {
    std::size_t start;  // of the collection's JSON in json_
    YAML::anchor_t anchor;
    bool map;
    std::size_t children;  // maps: keys and values both count
  };

  bool inKey() const { return !frames_.empty() && frames_.back().map && frames_.back().children % 2 == 0; }

  [[noreturn]] static void fail(const YAML::Mark& mark, const std::string& what) {
    throw YamlError("line " + std::to_string(mark.line + 1) + ": " + what);
  }

  // Separator before a node; returns where the node's JSON starts.
  std::size_t beginNode(const YAML::Mark& mark, bool notScalar) {
    if (!frames_.empty()) {
      Frame& parent = frames_.back();
      if (parent.map && parent.children % 2 == 0) {
        if (notScalar) {
          fail(mark, "a mapping key must be a scalar");
        }
        json_ += parent.children == 0 ? "" : ",";
      } else if (parent.map) {
        json_ += ':';
      } else {
        json_ += parent.children == 0 ? "" : ",";
      }
      ++parent.children;
    }
    if (json_.size() > kMaxJson) {
      fail(mark, "document expands beyond " + std::to_string(kMaxJson >> 20) + " MiB of JSON (aliases?)");
    }
    return json_.size();
  }

  void endNode(std::size_t start, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      anchors_[anchor] = json_.substr(start);
    }
  }

  void endCollection(char close) {
    const Frame frame = frames_.back();
    frames_.pop_back();
    json_ += close;
    endNode(frame.start, frame.anchor);
  }

  std::string json_;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::string> anchors_;
  int documentStart_ = 0;
  std::optional<int> lastEmptyStart_;
};

}  // namespace

std::vector<std::string> yamlDocumentsToJson(std::string_view yaml) {
  std::istringstream in{std::string(yaml)};
  JsonBuilder builder;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& error) {
    throw YamlError("line " + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  return std::move(builder.documents);
}

}  // namespace kipvs::k8s
