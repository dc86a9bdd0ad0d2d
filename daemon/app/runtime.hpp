#pragma once

// kipvsd's composition root: builds the real adaptors (netlink IPVS, kipvs0, nftables, conntrack,
// state file, D-Bus, the cluster source) around the Daemon and runs the main loop until SIGTERM.

#include <filesystem>

#include "app/config_check.hpp"

namespace kipvs::app {

// `reloadConfig` re-reads the configuration on SIGHUP and on the bus's Reload(); when it is refused
// (any error) the running configuration stays.
int runKipvsd(const Config& config, std::function<LoadedConfig()> reloadConfig);

}  // namespace kipvs::app
