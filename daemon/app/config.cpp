#include "app/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "core/scheduler_config.hpp"
#include "http/listen_address.hpp"

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

bool looksLikeUrl(std::string_view text) {
  const auto scheme = text.find("://");
  if (scheme == std::string_view::npos ||
      (text.substr(0, scheme) != "https" && text.substr(0, scheme) != "http")) {
    return false;
  }
  const auto rest = text.substr(scheme + 3);
  const auto hostEnd = rest.find('/');
  const auto authority = rest.substr(0, hostEnd);
  if (authority.empty() || authority.find_first_of(" \t@?#") != std::string_view::npos) {
    return false;
  }
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const auto port = authority.substr(colon + 1);
    std::uint32_t number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    return colon > 0 && error == std::errc{} && end == port.data() + port.size() && number > 0 &&
           number < 65536;
  }
  return true;
}

std::string joinCidrs(const std::vector<core::Cidr>& cidrs) {
  std::string text;
  for (const auto& cidr : cidrs) {
    text += (text.empty() ? "" : ",") + cidr.toString();
  }
  return text;
}

// Each key: how to apply a value (an error message, or "" when applied), how to print it back, and
// whether a reload applies it.
struct KeyRule {
  std::function<std::string(Config&, std::string_view)> set;
  std::function<std::string(const Config&)> get;
  bool reloadable = true;
};

template <typename T, typename Parse, typename Print>
KeyRule rule(T Config::*member, Parse parse, Print print, const std::string& expected, bool reloadable) {
  return {[member, parse, expected](Config& config, std::string_view value) -> std::string {
            auto parsed = parse(value);
            if (!parsed) {
              return "expected " + expected + ", got \"" + std::string(value) + "\"";
            }
            config.*member = *parsed;
            return {};
          },
          [member, print](const Config& config) { return std::string(print(config.*member)); }, reloadable};
}

constexpr bool kReload = true;
constexpr bool kRestart = false;

KeyRule pathRule(std::filesystem::path Config::*member, bool reloadable) {
  return rule(
      member, [](std::string_view v) { return std::optional<std::filesystem::path>(v); },
      [](const std::filesystem::path& p) { return p.string(); }, "a path", reloadable);
}

KeyRule textRule(std::string Config::*member, bool reloadable) {
  return rule(
      member, [](std::string_view v) { return std::optional<std::string>(v); },
      [](const std::string& s) { return s; }, "a name", reloadable);
}

KeyRule durationRule(std::chrono::milliseconds Config::*member, const std::string& expected,
                     bool reloadable) {
  return rule(member, parseDuration, formatDuration, expected, reloadable);
}

KeyRule boolRule(bool Config::*member, bool reloadable) {
  return rule(
      member, parseBool, [](bool b) { return b ? "true" : "false"; }, "true or false", reloadable);
}

KeyRule secondsRule(std::uint32_t Config::*member, const std::string& expected) {
  return rule(
      member, parseSeconds,
      [](std::uint32_t s) { return formatDuration(std::chrono::milliseconds(std::int64_t{s} * 1000)); },
      expected, kRestart);  // applied to the kernel at start
}

template <typename Enum>
KeyRule enumRule(Enum Config::*member, std::vector<std::pair<std::string_view, Enum>> names,
                 bool reloadable) {
  std::string expected;
  for (const auto& [name, value] : names) {
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  }
  return rule(
      member,
      [names](std::string_view v) -> std::optional<Enum> {
        for (const auto& [name, value] : names) {
          if (v == name) {
            return value;
          }
        }
        return std::nullopt;
      },
      [names](Enum e) {
        for (const auto& [name, value] : names) {
          if (value == e) {
            return std::string(name);
          }
        }
        return std::string("?");
      },
      expected, reloadable);
}

// The keys in the order of the default file. Restart-only: what the source, the bus, the state files and
// the kernel settings were built from at start.
const std::vector<std::pair<std::string, KeyRule>>& rules() {
  static const auto* table = new std::vector<std::pair<std::string, KeyRule>>{
      {"source",
       enumRule(&Config::source, {{"static", SourceKind::Static}, {"kubernetes", SourceKind::Kubernetes}},
                kRestart)},
      {"static-dir", pathRule(&Config::staticDir, kRestart)},
      {"node-name", textRule(&Config::nodeName, kRestart)},
      {"kubeconfig", pathRule(&Config::kubeconfig, kRestart)},
      {"api-server",
       rule(
           &Config::apiServer,
           [](std::string_view v) {
             return v.empty() || looksLikeUrl(v) ? std::optional<std::string>(v) : std::nullopt;
           },
           [](const std::string& s) { return s; }, "a URL such as https://10.0.0.1:6443", kRestart)},
      {"proxy-name", textRule(&Config::proxyName, kRestart)},
      {"scheduler",
       rule(
           &Config::scheduler,
           [](std::string_view v) {
             return core::isKnownScheduler(v) ? std::optional<std::string>(v) : std::nullopt;
           },
           [](const std::string& s) { return s; },
           "an IPVS scheduler (rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)", kReload)},
      {"sync-period", durationRule(&Config::syncPeriod, "a duration such as 30s", kReload)},
      {"min-sync-period", durationRule(&Config::minSyncPeriod, "a duration such as 1s", kReload)},
      {"cluster-cidr",
       rule(&Config::clusterCidrs, parseCidrList, joinCidrs, "comma-separated CIDRs", kReload)},
      {"node-port-addresses",
       rule(&Config::nodePortAddresses, parseCidrList, joinCidrs, "comma-separated CIDRs", kReload)},
      {"graceful-termination-deadline",
       durationRule(&Config::gracefulTerminationDeadline, "a duration such as 15m", kRestart)},
      {"strict-arp", boolRule(&Config::strictArp, kRestart)},
      {"masquerade-all", boolRule(&Config::masqueradeAll, kReload)},
      {"tcp-timeout", secondsRule(&Config::tcpTimeoutSeconds, "whole seconds such as 900s")},
      {"tcpfin-timeout", secondsRule(&Config::tcpFinTimeoutSeconds, "whole seconds such as 120s")},
      {"udp-timeout", secondsRule(&Config::udpTimeoutSeconds, "whole seconds such as 300s")},
      {"state-dir", pathRule(&Config::stateDir, kRestart)},
      {"restore-after", durationRule(&Config::restoreAfter, "a duration such as 10s (0s: never)", kRestart)},
      {"ready-timeout", durationRule(&Config::readyTimeout, "a duration such as 30s (0s: none)", kRestart)},
      {"log-level",
       rule(
           &Config::logLevel, log::parseLevel, [](log::Level l) { return std::string(log::toString(l)); },
           "error, warning, notice, info or debug", kReload)},
      {"dbus", enumRule(&Config::bus,
                        {{"system", BusKind::System}, {"session", BusKind::Session}, {"none", BusKind::None}},
                        kRestart)},
      {"takeover",
       enumRule(&Config::takeover, {{"none", TakeoverKind::None}, {"kube-proxy", TakeoverKind::KubeProxy}},
                kRestart)},
      {"metrics-bind-address", rule(
                                   &Config::metricsBindAddress,
                                   [](std::string_view v) {
                                     return v.empty() || http::ListenAddress::parse(v)
                                                ? std::optional<std::string>(v)
                                                : std::nullopt;
                                   },
                                   [](const std::string& s) { return s; },
                                   "host:port such as 127.0.0.1:10249 or [::1]:10249, or nothing", kRestart)},
      {"healthz-bind-address", rule(
                                   &Config::healthzBindAddress,
                                   [](std::string_view v) {
                                     return v.empty() || http::ListenAddress::parse(v)
                                                ? std::optional<std::string>(v)
                                                : std::nullopt;
                                   },
                                   [](const std::string& s) { return s; },
                                   "host:port such as 0.0.0.0:10256 or [::]:10256, or empty", kReload)},
  };
  return *table;
}

const KeyRule* findRule(std::string_view key) {
  for (const auto& [name, keyRule] : rules()) {
    if (name == key) {
      return &keyRule;
    }
  }
  return nullptr;
}

std::string applyKey(Config& config, std::string_view key, std::string_view value, ConfigOrigins* origins,
                     const std::string& origin) {
  const auto* keyRule = findRule(key);
  if (keyRule == nullptr) {
    return "unknown key \"" + std::string(key) + "\"";
  }
  auto message = keyRule->set(config, value);
  if (!message.empty()) {
    return std::string(key) + ": " + message;
  }
  if (origins != nullptr) {
    (*origins)[std::string(key)] = origin;
  }
  return {};
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

std::string formatDuration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  for (const auto& [unit, size] : {std::pair{"h", 3'600'000}, {"m", 60'000}, {"s", 1000}}) {
    if (ms != 0 && ms % size == 0) {
      return std::to_string(ms / size) + unit;
    }
  }
  return ms == 0 ? "0s" : std::to_string(ms) + "ms";
}

std::vector<ConfigEntry> describeConfig(const Config& config) {
  std::vector<ConfigEntry> entries;
  entries.reserve(rules().size());
  for (const auto& [name, keyRule] : rules()) {
    entries.push_back({name, keyRule.get(config), keyRule.reloadable});
  }
  return entries;
}

std::vector<std::string> restartOnlyChanges(const Config& running, const Config& next) {
  std::vector<std::string> keys;
  for (const auto& [name, keyRule] : rules()) {
    if (!keyRule.reloadable && keyRule.get(running) != keyRule.get(next)) {
      keys.push_back(name);
    }
  }
  return keys;
}

std::vector<ConfigError> applyConfigText(Config& config, std::string_view text, const std::string& sourceName,
                                         ConfigOrigins* origins) {
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
    if (auto message = applyKey(config, trim(line.substr(0, equals)), trim(line.substr(equals + 1)), origins,
                                sourceName + ":" + std::to_string(lineNumber));
        !message.empty()) {
      errors.push_back({sourceName, lineNumber, std::move(message)});
    }
  }
  return errors;
}

std::optional<ConfigError> applyConfigOverride(Config& config, std::string_view keyValue,
                                               ConfigOrigins* origins) {
  const auto equals = keyValue.find('=');
  if (equals == std::string_view::npos) {
    return ConfigError{"command line", 0, "expected key=value, got \"" + std::string(keyValue) + "\""};
  }
  if (auto message = applyKey(config, trim(keyValue.substr(0, equals)), trim(keyValue.substr(equals + 1)),
                              origins, "command line");
      !message.empty()) {
    return ConfigError{"command line", 0, std::move(message)};
  }
  return std::nullopt;
}

std::vector<ConfigError> loadConfigFiles(Config& config, const std::filesystem::path& mainFile,
                                         ConfigOrigins* origins, bool mainRequired) {
  std::vector<std::filesystem::path> files;
  std::vector<ConfigError> errors;
  std::error_code ec;
  if (std::filesystem::exists(mainFile, ec)) {
    files.push_back(mainFile);
  } else if (mainRequired) {
    errors.push_back({mainFile.string(), 0, "no such file (named with --config)"});
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

  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      errors.push_back({file.string(), 0, "cannot read"});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto found = applyConfigText(config, text.str(), file.string(), origins);
    errors.insert(errors.end(), found.begin(), found.end());
  }
  return errors;
}

}  // namespace kipvs::app
