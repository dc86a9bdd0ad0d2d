#include "host/kube_proxy_node.hpp"

#include "core/kube_proxy_services.hpp"
#include "host/iptables_cli.hpp"

namespace kipvs::host {

KubeProxyNode::KubeProxyNode() : link_(std::string(core::kubeproxy::kDummyLinkName)) {}

std::optional<std::vector<core::IpAddress>> KubeProxyNode::kubeIpvs0() {
  if (!link_.exists()) {
    return std::nullopt;
  }
  return link_.addresses();
}

std::vector<std::string> KubeProxyNode::iptablesBackends() {
  std::vector<std::string> names;
  for (const auto& cli : IptablesCli::installed()) {
    names.push_back(cli.backend());
  }
  return names;
}

std::string KubeProxyNode::iptablesSave(const std::string& backend) {
  return IptablesCli(backend).save();
}

void KubeProxyNode::iptablesRestore(const std::string& backend, const std::string& script) {
  IptablesCli(backend).restore(script);
}

std::optional<std::string> KubeProxyNode::ipsetSave() {
  return host::ipsetSave();
}

void KubeProxyNode::ipsetDestroy(const std::string& name) {
  host::ipsetDestroy(name);
}

}  // namespace kipvs::host
