#include "k8s/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>

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

// YAML 1.2 core schema for plain scalars.
void appendPlainScalar(std::string& out, const std::string& text) {
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.empty()) {
    out += "null";
  } else if (text == "true" || text == "True" || text == "TRUE") {
    out += "true";
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out += "false";
  } else if (std::regex_match(text, kInteger)) {
    out += text.front() == '+' ? text.substr(1) : text;
  } else if (std::regex_match(text, kFloat)) {
    out += text;
  } else {
    appendJsonString(out, text);
  }
}

void appendNode(std::string& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out += "null";
      return;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") {  // quoted: always a string
        appendJsonString(out, node.Scalar());
      } else {
        appendPlainScalar(out, node.Scalar());
      }
      return;
    case YAML::NodeType::Sequence: {
      out += '[';
      bool first = true;
      for (const auto& item : node) {
        out += first ? "" : ",";
        first = false;
        appendNode(out, item);
      }
      out += ']';
      return;
    }
    case YAML::NodeType::Map: {
      out += '{';
      bool first = true;
      for (const auto& entry : node) {
        out += first ? "" : ",";
        first = false;
        appendJsonString(out, entry.first.Scalar());
        out += ':';
        appendNode(out, entry.second);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::vector<std::string> yamlDocumentsToJson(std::string_view yaml) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& error) {
    throw YamlError("line " + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  std::vector<std::string> result;
  for (const auto& document : documents) {
    if (document.IsNull()) {
      continue;
    }
    std::string json;
    appendNode(json, document);
    result.push_back(std::move(json));
  }
  return result;
}

}  // namespace kipvs::k8s
