#pragma once

// The metrics kipvsd serves on /metrics, registered in the order they are written: build info, the
// process, kube-proxy's sync metrics, the Local-policy gauge, then the kernel's IPVS counters. Other
// parts of kipvsd (the health servers, the API client) add their own collectors to the same registry.

#include <functional>
#include <string>

#include "metrics/ipvs_metrics.hpp"
#include "metrics/no_local_endpoints.hpp"
#include "metrics/registry.hpp"
#include "metrics/sync_metrics.hpp"

namespace kipvs::metrics {

struct KipvsSources {
  std::string version;
  const SyncMetrics& sync;
  std::function<NoLocalEndpoints()> noLocalEndpoints;
  // What kipvs programs and the kernel's counters for it: one netlink dump of the services with their
  // stats and one read of every real server. May throw (the kernel cannot be read): only the IPVS
  // families are then missing from that scrape.
  std::function<const core::DesiredState&()> desired;
  std::function<KernelCounters()> kernelCounters;
};

void addKipvsCollectors(Registry& registry, KipvsSources sources);

}  // namespace kipvs::metrics
