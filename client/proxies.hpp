#pragma once

// kipvsctl's side of the contract: generated proxies on a connection kipvsctl owns (no sdbus-c++
// thread; `watch` runs the loop itself), decoded into model.hpp values.

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dbus/manager_proxy.h"
#include "dbus/virtual_service_proxy.h"
#include "model.hpp"

namespace kipvs::ctl {

class ManagerProxy final
    : public sdbus::ProxyInterfaces<org::kipvs::Proxy1::Manager_proxy, sdbus::Properties_proxy> {
 public:
  explicit ManagerProxy(sdbus::IConnection& connection);
  ~ManagerProxy();

  // Subscribes to the signals (for watch); calls work without it.
  void subscribe(std::function<void(const std::string& line, bool json)> print, bool json);

  StatusView status();
  std::vector<ServiceRow> services();
  std::vector<std::pair<std::string, Counters>> statistics();
  ExplainView explain(const std::string& address, std::uint16_t port, const std::string& protocol);

 private:
  void onSyncCompleted(const std::uint64_t& finishedUsec, const std::uint64_t& durationUsec,
                       const std::uint32_t& added, const std::uint32_t& removed, const std::uint32_t& changed,
                       const std::uint32_t& failed) override;
  void onServiceChanged(const sdbus::ObjectPath& path, const std::string& key,
                        const std::string& change) override;
  void onPropertiesChanged(const std::string& interfaceName,
                           const std::map<std::string, sdbus::Variant>& changed,
                           const std::vector<std::string>& invalidated) override;

  std::function<void(const std::string&, bool)> print_;
  bool json_ = false;
};

class ServiceProxy final : public sdbus::ProxyInterfaces<org::kipvs::Proxy1::VirtualService_proxy> {
 public:
  ServiceProxy(sdbus::IConnection& connection, const std::string& path);
  ~ServiceProxy();
  ServiceStats stats();
};

}  // namespace kipvs::ctl
