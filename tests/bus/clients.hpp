#pragma once

// Test clients over the generated proxies, on their own connection (sdbus-c++ runs its event loop
// thread for signals). Every signal received is appended to an EventLog as one line of text.

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "dbus/manager_proxy.h"
#include "dbus/virtual_service_proxy.h"

namespace kipvs::test {

class EventLog {
 public:
  void add(std::string line);
  // Waits until a line equal to `line` has arrived; false after the timeout.
  bool waitFor(const std::string& line, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::vector<std::string> lines() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

class ManagerClient final
    : public sdbus::ProxyInterfaces<org::kipvs::Proxy1::Manager_proxy, sdbus::Properties_proxy,
                                    sdbus::ObjectManager_proxy> {
 public:
  explicit ManagerClient(const std::string& address);
  ~ManagerClient();

  EventLog events;

 private:
  void onSyncCompleted(const std::uint64_t& finishedUsec, const std::uint64_t& durationUsec,
                       const std::uint32_t& added, const std::uint32_t& removed, const std::uint32_t& changed,
                       const std::uint32_t& failed) override;
  void onServiceChanged(const sdbus::ObjectPath& path, const std::string& key,
                        const std::string& change) override;
  void onPropertiesChanged(const std::string& interfaceName,
                           const std::map<std::string, sdbus::Variant>& changed,
                           const std::vector<std::string>& invalidated) override;
  void onInterfacesAdded(
      const sdbus::ObjectPath& path,
      const std::map<std::string, std::map<std::string, sdbus::Variant>>& interfaces) override;
  void onInterfacesRemoved(const sdbus::ObjectPath& path,
                           const std::vector<std::string>& interfaces) override;
};

class ServiceClient final
    : public sdbus::ProxyInterfaces<org::kipvs::Proxy1::VirtualService_proxy, sdbus::Properties_proxy> {
 public:
  ServiceClient(const std::string& address, const std::string& path);
  ~ServiceClient();

  EventLog events;

 private:
  void onPropertiesChanged(const std::string& interfaceName,
                           const std::map<std::string, sdbus::Variant>& changed,
                           const std::vector<std::string>& invalidated) override;
};

}  // namespace kipvs::test
