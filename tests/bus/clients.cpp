#include "clients.hpp"

#include <algorithm>

#include "dbus/bus_names.hpp"

namespace kipvs::test {

namespace {

std::string joinNames(const std::map<std::string, sdbus::Variant>& changed) {
  std::string out;
  for (const auto& [name, value] : changed) {
    out += (out.empty() ? "" : ",") + name;
  }
  return out;
}

}  // namespace

void EventLog::add(std::string line) {
  {
    const std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
  }
  changed_.notify_all();
}

bool EventLog::waitFor(const std::string& line, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout,
                           [&] { return std::find(lines_.begin(), lines_.end(), line) != lines_.end(); });
}

std::vector<std::string> EventLog::lines() const {
  const std::lock_guard lock(mutex_);
  return lines_;
}

ManagerClient::ManagerClient(const std::string& address)
    : ProxyInterfaces(sdbus::createSessionBusConnectionWithAddress(address), dbus::kBusName,
                      dbus::kRootPath) {
  registerProxy();
}

ManagerClient::~ManagerClient() {
  unregisterProxy();
}

void ManagerClient::onSyncCompleted(const std::uint64_t& finishedUsec, const std::uint64_t& durationUsec,
                                    const std::uint32_t& added, const std::uint32_t& removed,
                                    const std::uint32_t& changed, const std::uint32_t& failed) {
  events.add("SyncCompleted " + std::to_string(finishedUsec) + " " + std::to_string(durationUsec) + " +" +
             std::to_string(added) + " -" + std::to_string(removed) + " ~" + std::to_string(changed) + " !" +
             std::to_string(failed));
}

void ManagerClient::onServiceChanged(const sdbus::ObjectPath& path, const std::string& key,
                                     const std::string& change) {
  events.add("ServiceChanged " + change + " " + key + " " + path);
}

void ManagerClient::onPropertiesChanged(const std::string& interfaceName,
                                        const std::map<std::string, sdbus::Variant>& changed,
                                        const std::vector<std::string>& /*invalidated*/) {
  events.add("PropertiesChanged " + interfaceName + " " + joinNames(changed));
}

void ManagerClient::onInterfacesAdded(
    const sdbus::ObjectPath& path,
    const std::map<std::string, std::map<std::string, sdbus::Variant>>& interfaces) {
  for (const auto& [name, properties] : interfaces) {
    const auto key = properties.find("Key");
    events.add("InterfacesAdded " + path + " " + name + " " +
               (key == properties.end() ? std::string("?") : key->second.get<std::string>()));
  }
}

void ManagerClient::onInterfacesRemoved(const sdbus::ObjectPath& path,
                                        const std::vector<std::string>& interfaces) {
  for (const auto& name : interfaces) {
    events.add("InterfacesRemoved " + path + " " + name);
  }
}

ServiceClient::ServiceClient(const std::string& address, const std::string& path)
    : ProxyInterfaces(sdbus::createSessionBusConnectionWithAddress(address), dbus::kBusName, path) {
  registerProxy();
}

ServiceClient::~ServiceClient() {
  unregisterProxy();
}

void ServiceClient::onPropertiesChanged(const std::string& interfaceName,
                                        const std::map<std::string, sdbus::Variant>& changed,
                                        const std::vector<std::string>& /*invalidated*/) {
  events.add("PropertiesChanged " + interfaceName + " " + joinNames(changed));
}

}  // namespace kipvs::test
