#include "app/node_http.hpp"

#include "core/desired_service.hpp"
#include "core/service_health.hpp"

namespace kipvs::app {

NodeHttp::NodeHttp(const Daemon& daemon, EventLoop& loop)
    : daemon_(daemon),
      loop_(loop),
      server_(loop.raw()),
      health_(2 * daemon.config().syncPeriod),
      services_(server_, loop, [this] { return health_.healthy(); }) {
  followConfig();
}

void NodeHttp::followConfig() {
  const auto& config = daemon_.config();
  health_.setTimeout(2 * config.syncPeriod);  // cmd/kube-proxy/app/server.go: healthTimeout
  if (healthz_ && config.healthzBindAddress == healthzAddress_) {
    return;
  }
  healthz_.reset();
  healthzAddress_ = config.healthzBindAddress;
  if (!healthzAddress_.empty()) {  // validated when the configuration was read
    healthz_ = std::make_unique<RetryingListener>(
        server_, loop_, *http::ListenAddress::parse(healthzAddress_), health_.router(), "healthz");
  }
}

std::string NodeHttp::synced(const AppliedSync& sync) {
  followConfig();
  health_.updated();  // kube-proxy's Updated(): a sync ran through (failed attempts never get here)
  const auto& snapshot = daemon_.activeSnapshot();
  health_.syncNode(snapshot.node);
  const auto& ports = sync.desired.healthCheckNodePorts;
  std::vector<core::IpAddress> addresses;  // empty: every address
  if (!sync.node.nodePortAddresses.empty()) {
    for (const auto family : {core::IpFamily::V4, core::IpFamily::V6}) {
      const auto found = core::nodePortAddressesFor(sync.node, family);
      addresses.insert(addresses.end(), found.begin(), found.end());
    }
    // None inside node-port-addresses: every address, as kube-proxy falls back.
  }
  services_.sync(ports, core::localReadyEndpoints(snapshot, sync.node.nodeName, ports), addresses);
  return problemSummary();
}

void NodeHttp::statusChanged(const DaemonStatus& status) {
  // Beyond kube-proxy: stale (the API server unreachable, or only the restored state) for longer than
  // the health timeout is unhealthy.
  if (syncStateOf(status) == core::SyncState::Stale) {
    health_.sourceLost();
  } else {
    health_.sourceBack();
  }
}

std::string NodeHttp::problemSummary() const {
  std::string summary;
  for (const auto& [key, problem] : services_.problems()) {
    summary += (summary.empty() ? "" : "; ") + key.toString() + ": " + problem;
  }
  return summary;
}

}  // namespace kipvs::app
