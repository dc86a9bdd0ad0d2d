#pragma once

// kipvsd's composition root: builds the real adaptors (netlink IPVS, kipvs0, nftables, conntrack,
// state file, D-Bus, the cluster source) around the Daemon and runs the main loop until SIGTERM.

#include <filesystem>

#include "app/config.hpp"

namespace kipvs::app {

// `reloadConfig` re-reads the configuration on SIGHUP; it returns nullopt when the files are invalid
// (the running configuration then stays).
int runKipvsd(const Config& config, std::function<std::optional<Config>()> reloadConfig);

}  // namespace kipvs::app
