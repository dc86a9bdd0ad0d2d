#include "core/iptables_save.hpp"

#include <algorithm>
#include <optional>

namespace kipvs::core {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// nullopt when a quote is left open.
std::optional<std::vector<std::string>> splitWords(std::string_view spec) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  bool quoted = false;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '\\' && i + 1 < spec.size()) {
      word += spec[++i];
      inWord = true;
    } else if (c == '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (inWord) {
        words.push_back(std::move(word));
        word.clear();
        inWord = false;
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) {
    return std::nullopt;
  }
  if (inWord) {
    words.push_back(std::move(word));
  }
  return words;
}

std::string targetOf(const std::vector<std::string>& words) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "-j" || words[i] == "--jump" || words[i] == "-g" || words[i] == "--goto") {
      return words[i + 1];
    }
  }
  return {};
}

}  // namespace

bool IptablesTable::hasChain(std::string_view chain) const {
  return std::find(chains.begin(), chains.end(), chain) != chains.end();
}

const IptablesTable* IptablesDump::table(std::string_view name) const {
  const auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.name == name; });
  return it == tables.end() ? nullptr : &*it;
}

std::vector<std::string> ruleWords(std::string_view spec) {
  auto words = splitWords(spec);
  return words ? std::move(*words) : std::vector<std::string>{};
}

IptablesDump parseIptablesSave(std::string_view text) {
  IptablesDump dump;
  IptablesTable* current = nullptr;
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = trimmed(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++lineNumber;
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.front() == '*') {
      dump.tables.push_back({.name = std::string(line.substr(1)), .chains = {}, .rules = {}});
      current = &dump.tables.back();
      continue;
    }
    if (current == nullptr) {
      throw IptablesParseError(lineNumber, "\"" + std::string(line) + "\" outside a table");
    }
    if (line == "COMMIT") {
      current = nullptr;
    } else if (line.front() == ':') {
      const auto name = line.substr(1, line.find_first_of(" \t") - 1);
      if (name.empty()) {
        throw IptablesParseError(lineNumber, "chain declaration without a name");
      }
      current->chains.emplace_back(name);
    } else if (line.starts_with("-A ")) {
      const auto rest = trimmed(line.substr(3));
      const auto blank = rest.find_first_of(" \t");
      const auto chain = rest.substr(0, blank);
      const auto spec = blank == std::string_view::npos ? std::string_view{} : trimmed(rest.substr(blank));
      const auto words = splitWords(spec);
      if (chain.empty() || !words) {
        throw IptablesParseError(lineNumber, "malformed rule \"" + std::string(line) + "\"");
      }
      current->rules.push_back(
          {.chain = std::string(chain), .spec = std::string(spec), .target = targetOf(*words)});
    } else {
      throw IptablesParseError(lineNumber, "unexpected \"" + std::string(line) + "\"");
    }
  }
  if (current != nullptr) {
    throw IptablesParseError(lineNumber, "table " + current->name + " without COMMIT");
  }
  return dump;
}

}  // namespace kipvs::core
