#pragma once

// The Service health-check ports (pkg/proxy/healthcheck/service_health.go): one listener per
// LoadBalancer Service with externalTrafficPolicy Local, on its healthCheckNodePort, on the node-port
// addresses (every address when node-port-addresses is empty). sync() after each applied sync opens,
// moves and closes them as the Services change; each answers on every path from the count of local
// ready endpoints and the proxy's health (core/service_health.hpp). A port that cannot be bound is
// logged, reported by problems() and retried; it never stops the daemon or another listener.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/retrying_listener.hpp"
#include "app/timers.hpp"
#include "core/cluster.hpp"
#include "http/server.hpp"

namespace kipvs::app {

class ServiceHealthServers {
 public:
  ServiceHealthServers(http::HttpServer& server, Timers& timers, std::function<bool()> proxyHealthy);
  ServiceHealthServers(const ServiceHealthServers&) = delete;
  ServiceHealthServers& operator=(const ServiceHealthServers&) = delete;
  ~ServiceHealthServers();

  // SyncServices and SyncEndpoints in one: `ports` from DesiredState::healthCheckNodePorts,
  // `localEndpoints` from core::localReadyEndpoints, `addresses` where to listen (empty: every one).
  void sync(const std::map<core::ObjectKey, std::uint16_t>& ports,
            const std::map<core::ObjectKey, std::uint32_t>& localEndpoints,
            const std::vector<core::IpAddress>& addresses);

  // Services whose health-check port is not listening on every address, with why.
  std::map<core::ObjectKey, std::string> problems() const;
  // Runs when problems() may have changed.
  void onProblemsChanged(std::function<void()> callback) { problemsChanged_ = std::move(callback); }
  std::size_t services() const { return instances_.size(); }

 private:
  struct Instance {
    std::uint16_t port = 0;
    std::vector<core::IpAddress> addresses;
    std::uint32_t localEndpoints = 0;
    std::vector<std::unique_ptr<RetryingListener>> listeners;
  };
  void open(const core::ObjectKey& key, Instance& instance);
  void notify();

  http::HttpServer& server_;
  Timers& timers_;
  std::function<bool()> proxyHealthy_;
  std::map<core::ObjectKey, std::unique_ptr<Instance>> instances_;
  std::function<void()> problemsChanged_;
};

}  // namespace kipvs::app
