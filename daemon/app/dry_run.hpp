#pragma once

// Ports for `kipvsd --plan`: each reads the real node and records what it would change instead of
// changing it, keeping a simulated view so later steps see earlier ones as done (a VIP "added" to
// kipvs0 can then "leave" kube-ipvs0, as in a real takeover). Nothing here writes to the kernel, the
// firewall or the state files.

#include <optional>
#include <string>
#include <vector>

#include "core/control_port.hpp"
#include "core/ipvs_port.hpp"
#include "core/kube_proxy_port.hpp"
#include "core/ports.hpp"

namespace kipvs::app {

// The planned changes, in the order the daemon would make them.
using PlanLog = std::vector<core::PlannedChange>;

class DryRunIpvs final : public core::IpvsPort {
 public:
  DryRunIpvs(core::IpvsPort& real, PlanLog& log) : real_(real), log_(log) {}
  std::vector<core::VirtualServiceStatus> listServices() override { return real_.listServices(); }
  std::vector<core::RealServerStatus> listRealServers(const core::VirtualServiceKey& key) override;
  std::vector<int> apply(const std::vector<core::IpvsOp>& ops) override;

 private:
  core::IpvsPort& real_;
  PlanLog& log_;
};

class DryRunAddresses final : public core::AddressPort {
 public:
  DryRunAddresses(std::vector<core::IpAddress> present, PlanLog& log)
      : present_(std::move(present)), log_(log) {}
  std::vector<core::IpAddress> listAddresses() override { return present_; }
  void addAddress(const core::IpAddress& address) override;
  void removeAddress(const core::IpAddress& address) override;

 private:
  std::vector<core::IpAddress> present_;
  PlanLog& log_;
};

class DryRunConntrack final : public core::ConntrackPort {
 public:
  explicit DryRunConntrack(PlanLog& log) : log_(log) {}
  void flush(const core::IpAddress& vip, std::uint16_t port, core::Protocol protocol,
             const core::IpAddress& realIp) override;

 private:
  PlanLog& log_;
};

// Reads the real record; a save is recorded as the record's new text.
class DryRunStore final : public core::StateStore {
 public:
  DryRunStore(core::StateStore& real, PlanLog& log) : real_(real), log_(log) {}
  std::optional<std::string> load() override { return real_.load(); }
  void save(std::string_view text) override;

 private:
  core::StateStore& real_;
  PlanLog& log_;
};

class DryRunKubeProxy final : public core::KubeProxyPort {
 public:
  DryRunKubeProxy(core::KubeProxyPort& real, PlanLog& log) : real_(real), log_(log) {}
  std::optional<std::vector<core::IpAddress>> kubeIpvs0() override;
  void removeFromKubeIpvs0(const core::IpAddress& address) override;
  void deleteKubeIpvs0() override;
  std::vector<std::string> iptablesBackends() override { return real_.iptablesBackends(); }
  std::string iptablesSave(const std::string& backend) override { return real_.iptablesSave(backend); }
  void iptablesRestore(const std::string& backend, const std::string& script) override;
  std::optional<std::string> ipsetSave() override { return real_.ipsetSave(); }
  void ipsetDestroy(const std::string& name) override;

 private:
  core::KubeProxyPort& real_;
  PlanLog& log_;
  std::vector<core::IpAddress> removed_;
  bool deleted_ = false;
};

}  // namespace kipvs::app
