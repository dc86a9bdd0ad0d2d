#pragma once

// Per virtual service kernel counters with the Kubernetes origin of each entry, beyond what kube-proxy
// exports: connections, packets and bytes in and out per virtual service, active and inactive
// connections per real server (with pod and node). Names follow node_exporter's IPVS collector
// (node_ipvs_*), prefixed kipvs_. Only virtual services kipvs programs are written; the kernel
// counters come from one dump per scrape (the caller reads them).

#include <map>
#include <vector>

#include "core/desired_state.hpp"
#include "core/ipvs_model.hpp"
#include "metrics/exposition.hpp"

namespace kipvs::metrics {

struct KernelCounters {
  std::vector<core::VirtualServiceStatus> services;  // with stats
  std::map<core::VirtualServiceKey, std::vector<core::RealServerStatus>> realServers;
};

void writeIpvsMetrics(TextWriter& writer, const core::DesiredState& desired, const KernelCounters& kernel);

}  // namespace kipvs::metrics
