#pragma once

// kipvsd's configuration: /etc/kipvs/kipvsd.conf, then drop-ins /etc/kipvs/kipvsd.conf.d/*.conf in lexical
// order (later keys win), then command-line overrides. INI style: a `[kipvsd]` section of `key = value`
// lines, `#` and `;` start comments. Parsing is pure; reading files is a separate thin step.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/log.hpp"

namespace kipvs::app {

enum class SourceKind : std::uint8_t { Static, Kubernetes };
enum class BusKind : std::uint8_t { System, Session, None };
// What kipvsd takes over on start: nothing, or kube-proxy's IPVS mode (app/kube_proxy_takeover.hpp).
enum class TakeoverKind : std::uint8_t { None, KubeProxy };

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
  // READY=1 after the first complete sync, or after this long without one (STATUS= says why), so units
  // ordered after kipvsd (kubelet) never wait on an API server that may need this node. 0: no timeout.
  std::chrono::milliseconds readyTimeout{30'000};
  log::Level logLevel = log::Level::Info;
  BusKind bus = BusKind::System;  // where to publish; none: no D-Bus at all (minimal hosts, tests)
  TakeoverKind takeover = TakeoverKind::None;
  // host:port (or [v6]:port) of the Prometheus /metrics listener, kube-proxy's metricsBindAddress.
  // Empty: no metrics listener.
  std::string metricsBindAddress = "127.0.0.1:10249";
  // /healthz and /livez ("host:port", IPv6 in brackets); empty: not served.
  std::string healthzBindAddress = "0.0.0.0:10256";

  bool operator==(const Config&) const = default;
};

struct ConfigError {
  std::string source;  // file name or "command line"
  int line = 0;
  std::string message;

  std::string toString() const;
};

// Where each key's value came from ("file:line", "command line"); keys absent have their default.
using ConfigOrigins = std::map<std::string, std::string, std::less<>>;

// Applies `text` on top of `config`. Returns every problem found; keys with errors leave the value as it
// was (the caller refuses the whole configuration when there is any).
std::vector<ConfigError> applyConfigText(Config& config, std::string_view text, const std::string& sourceName,
                                         ConfigOrigins* origins = nullptr);

// Applies one `key=value` (command-line override) on top of `config`.
std::optional<ConfigError> applyConfigOverride(Config& config, std::string_view keyValue,
                                               ConfigOrigins* origins = nullptr);

// Reads the main file and its drop-in directory `<file>.d/*.conf`. A missing main file is an error
// when `mainRequired` (named with --config), else the defaults apply.
std::vector<ConfigError> loadConfigFiles(Config& config, const std::filesystem::path& mainFile,
                                         ConfigOrigins* origins = nullptr, bool mainRequired = false);

// One key of the configuration, its value as the file would spell it, and whether a reload applies it
// (else it takes effect at the next start).
struct ConfigEntry {
  std::string key;
  std::string value;
  bool reloadable = true;
};
// Every key the parser knows, in file order.
std::vector<ConfigEntry> describeConfig(const Config& config);
// The keys whose value differs between `running` and `next` but which a reload cannot apply.
std::vector<std::string> restartOnlyChanges(const Config& running, const Config& next);

std::string formatDuration(std::chrono::milliseconds duration);  // the inverse of parseDuration

// Where the last-known-good cluster snapshot is kept: <state-dir>/last-known-good.json.
inline std::filesystem::path lastKnownGoodPath(const Config& config) {
  return config.stateDir / "last-known-good.json";
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);  // "500ms", "30s", "15m", "1h"

}  // namespace kipvs::app
