#include "core/ipset_save.hpp"

namespace kipvs::core {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> result;
  while (!line.empty()) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) {
      break;
    }
    line.remove_prefix(start);
    const auto end = line.find_first_of(" \t\r");
    result.push_back(line.substr(0, end));
    line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
  }
  return result;
}

template <typename Each>
void forEachLine(std::string_view text, Each each) {
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    each(++lineNumber, words(line));
  }
}

}  // namespace

IpsetDump parseIpsetSave(std::string_view text) {
  IpsetDump sets;
  forEachLine(text, [&](std::size_t line, const std::vector<std::string_view>& w) {
    if (w.empty() || w[0].front() == '#') {
      return;
    }
    if (w[0] == "create" && w.size() >= 3) {
      sets[std::string(w[1])].type = std::string(w[2]);
    } else if (w[0] == "add" && w.size() >= 3) {
      const auto set = sets.find(w[1]);
      if (set == sets.end()) {
        throw IpsetParseError(line, "add to set " + std::string(w[1]) + " before it is created");
      }
      set->second.members.insert(std::string(w[2]));
    } else {
      throw IpsetParseError(line, "unexpected \"" + std::string(w[0]) + "\"");
    }
  });
  return sets;
}

std::vector<std::string> parseIpsetNames(std::string_view text) {
  std::vector<std::string> names;
  forEachLine(text, [&](std::size_t /*line*/, const std::vector<std::string_view>& w) {
    if (w.size() == 1) {
      names.emplace_back(w[0]);
    }
  });
  return names;
}

}  // namespace kipvs::core
