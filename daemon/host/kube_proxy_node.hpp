#pragma once

// The node's kube-proxy state through the real tools: kube-ipvs0 over rtnetlink (DummyLink), rules
// through the installed iptables front ends, sets through ipset (iptables_cli.hpp says why tools).

#include "core/kube_proxy_port.hpp"
#include "host/dummy_link.hpp"

namespace kipvs::host {

class KubeProxyNode final : public core::KubeProxyPort {
 public:
  KubeProxyNode();

  std::optional<std::vector<core::IpAddress>> kubeIpvs0() override;
  void removeFromKubeIpvs0(const core::IpAddress& address) override { link_.remove(address); }
  void deleteKubeIpvs0() override { link_.destroy(); }
  std::vector<std::string> iptablesBackends() override;
  std::string iptablesSave(const std::string& backend) override;
  void iptablesRestore(const std::string& backend, const std::string& script) override;
  std::optional<std::string> ipsetSave() override;
  void ipsetDestroy(const std::string& name) override;

 private:
  DummyLink link_;
};

}  // namespace kipvs::host
