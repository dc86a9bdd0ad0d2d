#pragma once

// kipvsd's configuration: /etc/kipvs/kipvsd.conf, then drop-ins /etc/kipvs/kipvsd.conf.d/*.conf in lexical
// order (later keys win), then command-line overrides. INI style: a `[kipvsd]` section of `key = value`
// lines, `#` and `;` start comments. Parsing is pure; reading files is a separate thin step.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/log.hpp"

namespace kipvs::app {

enum class SourceKind : std::uint8_t { Static, Kubernetes };
enum class BusKind : std::uint8_t { System, Session, None };

struct Config {
  SourceKind source = SourceKind::Static;
  std::filesystem::path staticDir = "/etc/kipvs/static.d";
  std::string nodeName;              // empty: the host name
  std::filesystem::path kubeconfig;  // empty with source=kubernetes: in-cluster
  std::string apiServer;             // in-cluster: explicit https://host:port (never a ClusterIP)
  std::string proxyName;             // service.kubernetes.io/service-proxy-name kipvs answers to
  std::string scheduler = "rr";
  std::chrono::milliseconds syncPeriod{30'000};
  std::chrono::milliseconds minSyncPeriod{1'000};
  std::vector<core::Cidr> clusterCidrs;
  std::vector<core::Cidr> nodePortAddresses;  // empty: every local address but loopback / link-local v6
  std::chrono::milliseconds gracefulTerminationDeadline{15 * 60 * 1000};
  bool strictArp = false;
  bool masqueradeAll = false;
  std::uint32_t tcpTimeoutSeconds = 0;  // 0: leave the kernel's value
  std::uint32_t tcpFinTimeoutSeconds = 0;
  std::uint32_t udpTimeoutSeconds = 0;
  std::filesystem::path stateDir = "/var/lib/kipvs";
  // source = kubernetes: with no complete snapshot from the API server this long after start, program
  // the last-known-good state saved in stateDir (SyncState stale). 0: never restore.
  std::chrono::milliseconds restoreAfter{10'000};
  log::Level logLevel = log::Level::Info;
  BusKind bus = BusKind::System;  // where to publish; none: no D-Bus at all (minimal hosts, tests)

  bool operator==(const Config&) const = default;
};

struct ConfigError {
  std::string source;  // file name or "command line"
  int line = 0;
  std::string message;

  std::string toString() const;
};

// Applies `text` on top of `config`. Returns every problem found; keys with errors leave the value as it was.
std::vector<ConfigError> applyConfigText(Config& config, std::string_view text,
                                         const std::string& sourceName);

// Applies one `key=value` (command-line override) on top of `config`.
std::optional<ConfigError> applyConfigOverride(Config& config, std::string_view keyValue);

// Reads the main file (if present) and its drop-in directory `<file>.d/*.conf`.
std::vector<ConfigError> loadConfigFiles(Config& config, const std::filesystem::path& mainFile);

// Where the last-known-good cluster snapshot is kept: <state-dir>/last-known-good.json.
inline std::filesystem::path lastKnownGoodPath(const Config& config) {
  return config.stateDir / "last-known-good.json";
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);  // "500ms", "30s", "15m", "1h"

}  // namespace kipvs::app
