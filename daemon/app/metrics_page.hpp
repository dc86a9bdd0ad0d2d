#pragma once

// What kipvsd serves on /metrics: kipvs's collectors (metrics/collectors.hpp) over the daemon's state
// and the kernel. Scrapes run on the loop's thread, like syncs, so they read the daemon directly.

#include <memory>
#include <string>

#include "app/daemon.hpp"
#include "app/metrics_recorder.hpp"
#include "core/ipvs_port.hpp"
#include "metrics/registry.hpp"

namespace kipvs::app {

// Kernel counters: one netlink dump of the virtual services with their stats (`ipvs`) and one read
// of /proc/net/ip_vs for every real server (`procIpVs`).
std::unique_ptr<metrics::Registry> makeMetricsRegistry(const Daemon& daemon, const MetricsRecorder& recorder,
                                                       core::IpvsPort& ipvs, std::string version,
                                                       std::string procIpVs = "/proc/net/ip_vs");

}  // namespace kipvs::app
