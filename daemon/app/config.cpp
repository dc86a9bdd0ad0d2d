#include "app/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace kipvs::app {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::optional<bool> parseBool(std::string_view text) {
  if (text == "true" || text == "yes" || text == "on" || text == "1") {
    return true;
  }
  if (text == "false" || text == "no" || text == "off" || text == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> parseSeconds(std::string_view text) {
  const auto duration = parseDuration(text);
  if (!duration || duration->count() % 1000 != 0 || duration->count() / 1000 > UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(duration->count() / 1000);
}

std::optional<std::vector<core::Cidr>> parseCidrList(std::string_view text) {
  std::vector<core::Cidr> cidrs;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto item = trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (!item.empty()) {
      const auto cidr = core::Cidr::parse(item);
      if (!cidr) {
        return std::nullopt;
      }
      cidrs.push_back(*cidr);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return cidrs;
}

// Each key: how to apply a value, returning an error message or "" when applied.
using Setter = std::function<std::string(Config&, std::string_view)>;

template <typename T, typename Parse>
Setter setter(T Config::*member, Parse parse, const std::string& expected) {
  return [member, parse, expected](Config& config, std::string_view value) -> std::string {
    auto parsed = parse(value);
    if (!parsed) {
      return "expected " + expected + ", got \"" + std::string(value) + "\"";
    }
    config.*member = *parsed;
    return {};
  };
}

const std::map<std::string, Setter, std::less<>>& setters() {
  static const auto* table = new std::map<std::string, Setter, std::less<>>{
      {"source", setter(
                     &Config::source,
                     [](std::string_view v) -> std::optional<SourceKind> {
                       if (v == "static") {
                         return SourceKind::Static;
                       }
                       if (v == "kubernetes") {
                         return SourceKind::Kubernetes;
                       }
                       return std::nullopt;
                     },
                     "static or kubernetes")},
      {"static-dir",
       setter(
           &Config::staticDir, [](std::string_view v) { return std::optional<std::filesystem::path>(v); },
           "a path")},
      {"node-name",
       setter(
           &Config::nodeName, [](std::string_view v) { return std::optional<std::string>(v); }, "a name")},
      {"kubeconfig",
       setter(
           &Config::kubeconfig, [](std::string_view v) { return std::optional<std::filesystem::path>(v); },
           "a path")},
      {"api-server",
       setter(
           &Config::apiServer, [](std::string_view v) { return std::optional<std::string>(v); }, "a URL")},
      {"proxy-name",
       setter(
           &Config::proxyName, [](std::string_view v) { return std::optional<std::string>(v); }, "a name")},
      {"scheduler",
       setter(
           &Config::scheduler,
           [](std::string_view v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); },
           "a scheduler name")},
      {"sync-period", setter(&Config::syncPeriod, parseDuration, "a duration such as 30s")},
      {"min-sync-period", setter(&Config::minSyncPeriod, parseDuration, "a duration such as 1s")},
      {"cluster-cidr", setter(&Config::clusterCidrs, parseCidrList, "comma-separated CIDRs")},
      {"node-port-addresses", setter(&Config::nodePortAddresses, parseCidrList, "comma-separated CIDRs")},
      {"graceful-termination-deadline",
       setter(&Config::gracefulTerminationDeadline, parseDuration, "a duration such as 15m")},
      {"strict-arp", setter(&Config::strictArp, parseBool, "true or false")},
      {"masquerade-all", setter(&Config::masqueradeAll, parseBool, "true or false")},
      {"tcp-timeout", setter(&Config::tcpTimeoutSeconds, parseSeconds, "whole seconds such as 900s")},
      {"tcpfin-timeout", setter(&Config::tcpFinTimeoutSeconds, parseSeconds, "whole seconds such as 120s")},
      {"udp-timeout", setter(&Config::udpTimeoutSeconds, parseSeconds, "whole seconds such as 300s")},
      {"state-dir",
       setter(
           &Config::stateDir, [](std::string_view v) { return std::optional<std::filesystem::path>(v); },
           "a path")},
      {"restore-after", setter(&Config::restoreAfter, parseDuration, "a duration such as 10s (0s: never)")},
      {"log-level", setter(&Config::logLevel, log::parseLevel, "error, warning, notice, info or debug")},
      {"dbus", setter(
                   &Config::bus,
                   [](std::string_view v) -> std::optional<BusKind> {
                     if (v == "system") {
                       return BusKind::System;
                     }
                     if (v == "session") {
                       return BusKind::Session;
                     }
                     if (v == "none") {
                       return BusKind::None;
                     }
                     return std::nullopt;
                   },
                   "system, session or none")},
  };
  return *table;
}

std::string applyKey(Config& config, std::string_view key, std::string_view value) {
  const auto it = setters().find(key);
  if (it == setters().end()) {
    return "unknown key \"" + std::string(key) + "\"";
  }
  return it->second(config, value);
}

}  // namespace

std::string ConfigError::toString() const {
  return line > 0 ? source + ":" + std::to_string(line) + ": " + message : source + ": " + message;
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end == text.data()) {
    return std::nullopt;
  }
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  static const std::map<std::string_view, std::uint64_t> kUnits{
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  const auto it = kUnits.find(unit);
  if (it == kUnits.end() || number > UINT64_MAX / it->second / 2) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(number * it->second));
}

std::vector<ConfigError> applyConfigText(Config& config, std::string_view text,
                                         const std::string& sourceName) {
  std::vector<ConfigError> errors;
  std::istringstream lines{std::string(text)};
  std::string raw;
  int lineNumber = 0;
  bool inSection = false;
  while (std::getline(lines, raw)) {
    ++lineNumber;
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[') {
      inSection = line == "[kipvsd]";
      if (!inSection) {
        errors.push_back({sourceName, lineNumber, "unknown section " + std::string(line)});
      }
      continue;
    }
    const auto equals = line.find('=');
    if (!inSection || equals == std::string_view::npos) {
      errors.push_back({sourceName, lineNumber, inSection ? "expected key = value" : "key outside [kipvsd]"});
      continue;
    }
    if (auto message = applyKey(config, trim(line.substr(0, equals)), trim(line.substr(equals + 1)));
        !message.empty()) {
      errors.push_back({sourceName, lineNumber, std::move(message)});
    }
  }
  return errors;
}

std::optional<ConfigError> applyConfigOverride(Config& config, std::string_view keyValue) {
  const auto equals = keyValue.find('=');
  if (equals == std::string_view::npos) {
    return ConfigError{"command line", 0, "expected key=value, got \"" + std::string(keyValue) + "\""};
  }
  if (auto message = applyKey(config, trim(keyValue.substr(0, equals)), trim(keyValue.substr(equals + 1)));
      !message.empty()) {
    return ConfigError{"command line", 0, std::move(message)};
  }
  return std::nullopt;
}

std::vector<ConfigError> loadConfigFiles(Config& config, const std::filesystem::path& mainFile) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::exists(mainFile, ec)) {
    files.push_back(mainFile);
  }
  const auto dropIns = std::filesystem::path(mainFile.string() + ".d");
  std::vector<std::filesystem::path> extra;
  for (const auto& entry : std::filesystem::directory_iterator(dropIns, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".conf") {
      extra.push_back(entry.path());
    }
  }
  std::sort(extra.begin(), extra.end());
  files.insert(files.end(), extra.begin(), extra.end());

  std::vector<ConfigError> errors;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      errors.push_back({file.string(), 0, "cannot read"});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto found = applyConfigText(config, text.str(), file.string());
    errors.insert(errors.end(), found.begin(), found.end());
  }
  return errors;
}

}  // namespace kipvs::app
