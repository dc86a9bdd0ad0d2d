#pragma once

// The port through which a takeover reads and removes kube-proxy's state: kube-ipvs0, the iptables
// front ends and ipset. The real one is host::KubeProxyNode; tests fake it. Failures throw
// std::exception with a sentence saying what failed.

#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"

namespace kipvs::core {

class KubeProxyPort {
 public:
  virtual ~KubeProxyPort() = default;
  virtual std::optional<std::vector<IpAddress>> kubeIpvs0() = 0;  // nullopt: no such link
  virtual void removeFromKubeIpvs0(const IpAddress& address) = 0;
  virtual void deleteKubeIpvs0() = 0;
  virtual std::vector<std::string> iptablesBackends() = 0;  // "iptables-nft", "ip6tables-legacy", ...
  virtual std::string iptablesSave(const std::string& backend) = 0;
  virtual void iptablesRestore(const std::string& backend, const std::string& script) = 0;
  virtual std::optional<std::string> ipsetSave() = 0;  // nullopt: no ipset tool
  virtual void ipsetDestroy(const std::string& name) = 0;
};

}  // namespace kipvs::core
