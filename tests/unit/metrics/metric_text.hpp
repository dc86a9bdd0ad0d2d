#pragma once

// Reading exposition text back in tests: the value of one sample line, by its exact series.

#include <optional>
#include <sstream>
#include <string>

namespace kipvs::metrics::testing {

// `series` is the part before the value: `name` or `name{a="b",…}` as written.
inline std::optional<std::string> valueOf(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return line.substr(series.size() + 1);
    }
  }
  return std::nullopt;
}

inline std::size_t countLinesStartingWith(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    count += line.compare(0, prefix.size(), prefix) == 0 ? 1 : 0;
  }
  return count;
}

}  // namespace kipvs::metrics::testing
