#include "app/config_check.hpp"

#include <fstream>

namespace kipvs::app {
namespace {

bool canRead(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && std::ifstream(path).good();
}

ConfigError at(const ConfigOrigins& origins, std::string_view key, std::string message) {
  return {originOf(origins, key), 0, std::move(message)};
}

}  // namespace

std::string originOf(const ConfigOrigins& origins, std::string_view key) {
  const auto found = origins.find(key);
  return found == origins.end() ? "default" : found->second;
}

std::vector<ConfigError> checkConfig(const Config& config, const ConfigOrigins& origins,
                                     const HostFiles& host) {
  const auto readable = host.readable ? host.readable : canRead;
  std::vector<ConfigError> errors;
  if (config.minSyncPeriod > config.syncPeriod) {
    const auto* key = origins.contains("min-sync-period") ? "min-sync-period" : "sync-period";
    errors.push_back(at(origins, key,
                        "min-sync-period: " + formatDuration(config.minSyncPeriod) +
                            " is longer than sync-period (" + formatDuration(config.syncPeriod) + ")"));
  }
  if (!config.kubeconfig.empty() && !readable(config.kubeconfig)) {
    errors.push_back(at(origins, "kubeconfig",
                        "kubeconfig: " + config.kubeconfig.string() + " does not exist or cannot be read"));
  }
  if (config.source == SourceKind::Kubernetes && config.kubeconfig.empty()) {
    if (!readable(host.inCluster.tokenFile) || !readable(host.inCluster.caFile)) {
      errors.push_back(at(origins, "source",
                          "source: kubernetes needs a kubeconfig, or the in-cluster service account (" +
                              host.inCluster.tokenFile + " and " + host.inCluster.caFile +
                              "): neither found"));
    } else if (config.apiServer.empty()) {
      errors.push_back(
          at(origins, "api-server",
             "api-server: source = kubernetes in-cluster needs it (never the kubernetes ClusterIP: "
             "kipvs implements it)"));
    }
  }
  return errors;
}

LoadedConfig loadConfiguration(const std::filesystem::path& mainFile, bool mainRequired,
                               const std::vector<std::string>& overrides, const HostFiles& host) {
  LoadedConfig loaded;
  Config config;
  loaded.errors = loadConfigFiles(config, mainFile, &loaded.origins, mainRequired);
  for (const auto& entry : overrides) {
    if (auto error = applyConfigOverride(config, entry, &loaded.origins)) {
      loaded.errors.push_back(*error);
    }
  }
  auto acrossKeys = checkConfig(config, loaded.origins, host);
  loaded.errors.insert(loaded.errors.end(), acrossKeys.begin(), acrossKeys.end());
  if (loaded.errors.empty()) {
    loaded.config = std::move(config);
  }
  return loaded;
}

void printConfig(std::ostream& out, const Config& config, const ConfigOrigins& origins) {
  const auto entries = describeConfig(config);
  std::size_t width = 0;
  for (const auto& entry : entries) {
    width = std::max(width, entry.key.size() + entry.value.size() + 3);
  }
  out << "[kipvsd]\n";
  for (const auto& entry : entries) {
    const auto line = entry.key + " = " + entry.value;
    auto origin = originOf(origins, entry.key);
    if (entry.key == "node-name" && origin == "default") {
      origin = "host name";
    }
    out << line << std::string(width - line.size() + 2, ' ') << "# " << origin
        << (entry.reloadable ? "" : ", restart to change") << '\n';
  }
}

}  // namespace kipvs::app
