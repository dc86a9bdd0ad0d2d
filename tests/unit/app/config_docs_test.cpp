// Every key the configuration parser knows is documented in the three places an admin reads, with the
// default the code has: the README's configuration table, the commented default file
// (systemd/kipvsd.conf) and kipvsd.conf(5). A key added to the parser without its documentation fails
// here, naming the key and the place.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace kipvs::app {
namespace {

std::vector<std::string> linesOf(const std::string& relative) {
  std::ifstream in(std::string(KIPVS_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << "cannot read " << relative;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string unescapedRoff(std::string text) {
  for (auto at = text.find("\\-"); at != std::string::npos; at = text.find("\\-", at)) {
    text.erase(at, 1);
  }
  return text;
}

bool hasWord(const std::string& line, const std::string& key) {
  for (auto at = line.find(key); at != std::string::npos; at = line.find(key, at + 1)) {
    const auto before = at == 0 ? ' ' : line[at - 1];
    const auto after = at + key.size() < line.size() ? line[at + key.size()] : ' ';
    if (!std::isalnum(static_cast<unsigned char>(before)) && before != '-' &&
        !std::isalnum(static_cast<unsigned char>(after)) && after != '-') {
      return true;
    }
  }
  return false;
}

// `| `key` | default | meaning |` rows; several keys may share a row.
TEST(ConfigDocs, EveryKeyIsInTheReadmeTableWithItsDefault) {
  const auto lines = linesOf("README.md");
  for (const auto& entry : describeConfig(Config{})) {
    const std::string tick = "`" + entry.key + "`";
    const auto row = std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.starts_with("| ") && line.substr(0, line.find(" | ", 2)).find(tick) != std::string::npos;
    });
    if (row == lines.end()) {
      ADD_FAILURE() << "key " << entry.key
                    << " is missing from README.md: add a row to the configuration table: | " << tick << " | "
                    << (entry.value.empty() ? "—" : "`" + entry.value + "`") << " | ... |";
      continue;
    }
    const auto first = row->find(" | ", 2) + 3;
    const auto cell = row->substr(first, row->find(" | ", first) - first);
    if (entry.value.empty()) {
      EXPECT_EQ(cell.find('`'), std::string::npos)
          << "key " << entry.key << ": README.md shows default " << cell << ", the code has none";
    } else {
      EXPECT_EQ(cell, "`" + entry.value + "`")
          << "key " << entry.key << ": README.md shows default " << cell << ", the code has " << entry.value;
    }
  }
}

// `#key = default` (or `#key =` when empty).
TEST(ConfigDocs, EveryKeyIsInTheDefaultFileWithItsDefault) {
  const auto lines = linesOf("systemd/kipvsd.conf");
  for (const auto& entry : describeConfig(Config{})) {
    const auto expected = "#" + entry.key + " =" + (entry.value.empty() ? "" : " " + entry.value);
    const auto line = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.starts_with("#" + entry.key + " =");
    });
    if (line == lines.end()) {
      ADD_FAILURE() << "key " << entry.key << " is missing from systemd/kipvsd.conf: add \"" << expected
                    << "\" with a comment saying what it does";
      continue;
    }
    EXPECT_EQ(*line, expected) << "key " << entry.key << ": systemd/kipvsd.conf has \"" << *line
                               << "\", the code's default is \"" << expected << "\"";
  }
}

// A `.TP` paragraph whose tag line names the key; "Default: <value>." in it when the default is not empty.
TEST(ConfigDocs, EveryKeyIsInTheManPageWithItsDefault) {
  const auto lines = linesOf("packaging/man/kipvsd.conf.5");
  for (const auto& entry : describeConfig(Config{})) {
    auto tag = lines.end();
    for (auto it = lines.begin(); it + 1 < lines.end(); ++it) {
      if (*it == ".TP" && (it + 1)->starts_with(".B") && hasWord(unescapedRoff(*(it + 1)), entry.key)) {
        tag = it + 1;
        break;
      }
    }
    if (tag == lines.end()) {
      ADD_FAILURE() << "key " << entry.key
                    << " is missing from packaging/man/kipvsd.conf.5: add a .TP paragraph \".BI " << entry.key
                    << " \" = \" value\""
                    << (entry.value.empty() ? "" : " ending \"Default: " + entry.value + ".\"");
      continue;
    }
    std::string paragraph;
    for (auto it = tag + 1; it != lines.end() && *it != ".TP" && !it->starts_with(".SH"); ++it) {
      paragraph += unescapedRoff(*it) + "\n";
    }
    if (!entry.value.empty()) {
      EXPECT_NE(paragraph.find("Default: " + entry.value + "."), std::string::npos)
          << "key " << entry.key << ": packaging/man/kipvsd.conf.5 does not say \"Default: " << entry.value
          << ".\" in its paragraph:\n"
          << paragraph;
    }
  }
}

}  // namespace
}  // namespace kipvs::app
