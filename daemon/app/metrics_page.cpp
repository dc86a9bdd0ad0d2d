#include "app/metrics_page.hpp"

#include "ipvs/proc_ip_vs.hpp"
#include "metrics/collectors.hpp"

namespace kipvs::app {
namespace {

metrics::KernelCounters readKernelCounters(const Daemon& daemon, core::IpvsPort& ipvs,
                                           const std::string& procIpVs) {
  metrics::KernelCounters kernel{.services = ipvs.listServices(),
                                 .realServers = ipvs::readProcIpVs(procIpVs.c_str())};
  // Debian 12's kernel (6.1) lists only part of the services in /proc/net/ip_vs when other network
  // namespaces have IPVS services too (seen in the VM bench). Ours that it left out are asked for
  // one by one over netlink; normally there are none.
  const auto& desired = daemon.reconciler().desired().services;
  for (const auto& status : kernel.services) {
    const auto& key = status.service.key;
    if (!kernel.realServers.contains(key) && desired.contains(key)) {
      kernel.realServers.emplace(key, ipvs.listRealServers(key));
    }
  }
  return kernel;
}

}  // namespace

std::unique_ptr<metrics::Registry> makeMetricsRegistry(const Daemon& daemon, const MetricsRecorder& recorder,
                                                       core::IpvsPort& ipvs, std::string version,
                                                       std::string procIpVs) {
  auto registry = std::make_unique<metrics::Registry>();
  metrics::addKipvsCollectors(
      *registry,
      {.version = std::move(version),
       .sync = recorder.sync(),
       .noLocalEndpoints =
           [&daemon] {
             return metrics::countNoLocalEndpoints(daemon.activeSnapshot(), daemon.config().nodeName);
           },
       .desired = [&daemon]() -> const core::DesiredState& { return daemon.reconciler().desired(); },
       .kernelCounters = [&daemon, &ipvs,
                          procIpVs =
                              std::move(procIpVs)] { return readKernelCounters(daemon, ipvs, procIpVs); }});
  return registry;
}

}  // namespace kipvs::app
