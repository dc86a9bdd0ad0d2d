#include "fake_control.hpp"

#include "known_state.hpp"

namespace kipvs::test {

std::optional<core::Explanation> FakeControl::explain(const core::VirtualServiceKey& key) {
  if (key == tcpKey("10.96.0.1", 443)) {
    return core::Explanation{
        .key = key,
        .summary = "externalTrafficPolicy=Cluster: every ready endpoint",
        .endpoints = {{ip("192.168.1.10"), 6443, "", "node-a", true, "ready"},
                      {ip("192.168.1.11"), 6443, "", "node-b", false, "drained by operator"}}};
  }
  return std::nullopt;
}

std::optional<core::LiveServiceStatus> FakeControl::readStatus(const core::VirtualServiceKey& key) {
  const std::lock_guard lock(mutex_);
  if (kernelUnavailable_) {
    throw core::ControlError(core::ControlError::Code::Unavailable, "netlink: EPERM");
  }
  if (key != tcpKey("10.96.0.1", 443)) {
    return std::nullopt;
  }
  core::RealServerStatus a{.server = {.address = ip("192.168.1.10"), .port = 6443},
                           .activeConnections = 7,
                           .inactiveConnections = 3,
                           .persistentConnections = 0,
                           .stats = knownStats(5)};
  return core::LiveServiceStatus{.stats = knownStats(42), .reals = {a}};
}

std::map<core::VirtualServiceKey, core::IpvsStats> FakeControl::readAllStats() {
  const std::lock_guard lock(mutex_);
  if (kernelUnavailable_) {
    throw core::ControlError(core::ControlError::Code::Unavailable, "netlink: EPERM");
  }
  std::map<core::VirtualServiceKey, core::IpvsStats> all;
  all[tcpKey("10.96.0.1", 443)] = knownStats(42);
  all[tcpKey("10.96.0.50", 8080)] = knownStats(1);  // not published in knownState(): must be left out
  return all;
}

}  // namespace kipvs::test
