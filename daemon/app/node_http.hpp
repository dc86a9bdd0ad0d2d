#pragma once

// kipvsd's node HTTP surface, as kube-proxy's: /healthz and /livez on healthz-bind-address, one
// health-check port per LoadBalancer Service with externalTrafficPolicy Local. Everything runs on the
// daemon's loop (http::HttpServer). It is a SyncListener: each applied sync counts as kube-proxy's
// Updated() and re-syncs the health-check ports; each status change says whether the source is stale
// (syncStateOf, the same derivation D-Bus and STATUS= show). The composition root reports each source
// event that carries a change (kube-proxy's QueuedUpdate()).
// Another endpoint (metrics-bind-address) listens on the same server():
//   RetryingListener metrics(nodeHttp.server(), loop, address, router, "metrics");

#include <memory>
#include <string>

#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "app/proxy_health_server.hpp"
#include "app/retrying_listener.hpp"
#include "app/service_health_servers.hpp"
#include "app/sync_listener.hpp"
#include "http/server.hpp"

namespace kipvs::app {

class NodeHttp final : public SyncListener {
 public:
  // `daemon`'s configuration is read at each sync, so a reload moves /healthz and its bound at once.
  NodeHttp(const Daemon& daemon, EventLoop& loop);

  http::HttpServer& server() { return server_; }
  ProxyHealthServer& health() { return health_; }
  const ServiceHealthServers& serviceHealth() const { return services_; }

  // A Service, EndpointSlice or Node event was handed to the daemon.
  void changeQueued() { health_.queued(); }
  // Health-check ports that do not listen, "" when all do.
  std::string problemSummary() const;

  // SyncListener: a non-empty problemSummary() becomes LastError (the sync is shown degraded).
  std::string synced(const AppliedSync& sync) override;
  void statusChanged(const DaemonStatus& status) override;

 private:
  void followConfig();

  const Daemon& daemon_;
  EventLoop& loop_;
  std::string healthzAddress_;
  http::HttpServer server_;
  ProxyHealthServer health_;
  std::unique_ptr<RetryingListener> healthz_;
  ServiceHealthServers services_;
};

}  // namespace kipvs::app
