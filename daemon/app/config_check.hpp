#pragma once

// What no single key can tell: checks across keys (min-sync-period against sync-period) and against the
// host (the kubeconfig or the in-cluster service account exists), each naming the key and the file:line
// it came from; and the effective configuration printed with the origin of every value, for
// `kipvsd --check-config`.

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "k8s/config.hpp"

namespace kipvs::app {

struct HostFiles {
  std::function<bool(const std::filesystem::path&)> readable;  // default: can be opened for reading
  k8s::InClusterPaths inCluster;
};

// The whole configuration as kipvsd loads it: the files, then the command-line overrides, then the
// checks. `config` is set only when there is no error: one bad value refuses the whole configuration.
struct LoadedConfig {
  std::optional<Config> config;
  ConfigOrigins origins;
  std::vector<ConfigError> errors;
};
LoadedConfig loadConfiguration(const std::filesystem::path& mainFile, bool mainRequired,
                               const std::vector<std::string>& overrides, const HostFiles& host = {});

// "file:line", "command line", or "default" for a key set nowhere.
std::string originOf(const ConfigOrigins& origins, std::string_view key);

std::vector<ConfigError> checkConfig(const Config& config, const ConfigOrigins& origins,
                                     const HostFiles& host = {});

// One line per key: `key = value` and where the value came from.
void printConfig(std::ostream& out, const Config& config, const ConfigOrigins& origins);

}  // namespace kipvs::app
