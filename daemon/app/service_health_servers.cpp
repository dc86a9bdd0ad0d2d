#include "app/service_health_servers.hpp"

#include "app/proxy_health_server.hpp"
#include "core/log.hpp"
#include "core/service_health.hpp"

namespace kipvs::app {

ServiceHealthServers::ServiceHealthServers(http::HttpServer& server, Timers& timers,
                                           std::function<bool()> proxyHealthy)
    : server_(server), timers_(timers), proxyHealthy_(std::move(proxyHealthy)) {}

ServiceHealthServers::~ServiceHealthServers() {
  problemsChanged_ = nullptr;  // the listeners close now: nobody to tell
}

void ServiceHealthServers::sync(const std::map<core::ObjectKey, std::uint16_t>& ports,
                                const std::map<core::ObjectKey, std::uint32_t>& localEndpoints,
                                const std::vector<core::IpAddress>& addresses) {
  bool changed = false;
  for (auto it = instances_.begin(); it != instances_.end();) {
    const auto wanted = ports.find(it->first);
    if (wanted == ports.end() || wanted->second != it->second->port || addresses != it->second->addresses) {
      log::info(
          "closing the health-check port " + std::to_string(it->second->port) + " of " + it->first.toString(),
          {{"KIPVS_SERVICE", it->first.toString()}});
      it = instances_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (const auto& [key, port] : ports) {
    auto& instance = instances_[key];
    if (!instance) {
      instance = std::make_unique<Instance>(
          Instance{.port = port, .addresses = addresses, .localEndpoints = 0, .listeners = {}});
      open(key, *instance);
      changed = true;
    }
    const auto count = localEndpoints.find(key);
    instance->localEndpoints = count == localEndpoints.end() ? 0 : count->second;
  }
  if (changed) {
    notify();
  }
}

void ServiceHealthServers::open(const core::ObjectKey& key, Instance& instance) {
  log::info("opening the health-check port " + std::to_string(instance.port) + " of " + key.toString(),
            {{"KIPVS_SERVICE", key.toString()}});
  // The handler reads the instance when asked, so counts updated by later syncs are what it answers.
  auto handler = [this, key](const http::HttpRequest&) {
    const auto it = instances_.find(key);
    const std::uint32_t count = it == instances_.end() ? 0 : it->second->localEndpoints;
    return toHttpResponse(core::serviceHealthAnswer(key, count, proxyHealthy_()));
  };
  std::vector<http::ListenAddress> where;
  if (instance.addresses.empty()) {
    where.push_back(http::anyAddress(instance.port));
  }
  for (const auto& address : instance.addresses) {
    where.push_back({address, instance.port});
  }
  for (const auto& address : where) {
    instance.listeners.push_back(std::make_unique<RetryingListener>(
        server_, timers_, address, handler, "health-check port of " + key.toString(), [this] { notify(); }));
  }
}

std::map<core::ObjectKey, std::string> ServiceHealthServers::problems() const {
  std::map<core::ObjectKey, std::string> found;
  for (const auto& [key, instance] : instances_) {
    for (const auto& listener : instance->listeners) {
      if (!listener->error().empty()) {
        auto& text = found[key];
        text += (text.empty() ? "health-check port: " : "; ") + listener->error();
      }
    }
  }
  return found;
}

void ServiceHealthServers::notify() {
  if (problemsChanged_) {
    problemsChanged_();
  }
}

}  // namespace kipvs::app
