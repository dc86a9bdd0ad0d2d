#include "app/dry_run.hpp"

#include <algorithm>
#include <sstream>

namespace kipvs::app {

std::vector<core::RealServerStatus> DryRunIpvs::listRealServers(const core::VirtualServiceKey& key) {
  return real_.listRealServers(key);  // a virtual service "added" by the plan is not in the kernel: empty
}

std::vector<int> DryRunIpvs::apply(const std::vector<core::IpvsOp>& ops) {
  for (const auto& op : ops) {
    std::ostringstream text;
    text << op;
    log_.push_back({.area = "ipvs", .change = text.str()});
  }
  return std::vector<int>(ops.size(), 0);
}

void DryRunAddresses::addAddress(const core::IpAddress& address) {
  log_.push_back({.area = "kipvs0", .change = "add " + address.toString()});
  present_.push_back(address);
}

void DryRunAddresses::removeAddress(const core::IpAddress& address) {
  log_.push_back({.area = "kipvs0", .change = "remove " + address.toString()});
  std::erase(present_, address);
}

void DryRunConntrack::flush(const core::IpAddress& vip, std::uint16_t port, core::Protocol protocol,
                            const core::IpAddress& realIp) {
  log_.push_back({.area = "conntrack",
                  .change = "flush " + std::string(core::toString(protocol)) + " " + vip.toString() + ":" +
                            std::to_string(port) + " -> " + realIp.toString()});
}

void DryRunStore::save(std::string_view text) {
  std::string flat;
  for (const char c : text) {
    flat += c == '\n' ? std::string("; ") : std::string(1, c);
  }
  if (flat.ends_with("; ")) {
    flat.resize(flat.size() - 2);
  }
  log_.push_back({.area = "record", .change = "write " + flat});
}

std::optional<std::vector<core::IpAddress>> DryRunKubeProxy::kubeIpvs0() {
  if (deleted_) {
    return std::nullopt;
  }
  auto addresses = real_.kubeIpvs0();
  if (addresses) {
    std::erase_if(*addresses, [&](const auto& a) {
      return std::find(removed_.begin(), removed_.end(), a) != removed_.end();
    });
  }
  return addresses;
}

void DryRunKubeProxy::removeFromKubeIpvs0(const core::IpAddress& address) {
  log_.push_back({.area = "kube-ipvs0", .change = "remove " + address.toString()});
  removed_.push_back(address);
}

void DryRunKubeProxy::deleteKubeIpvs0() {
  log_.push_back({.area = "kube-ipvs0", .change = "delete link"});
  deleted_ = true;
}

void DryRunKubeProxy::iptablesRestore(const std::string& backend, const std::string& script) {
  // One change per line of the restore script, under "<backend> <table>".
  std::string table;
  std::istringstream lines(script);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("*")) {
      table = line.substr(1);
    } else if (line != "COMMIT" && !line.empty()) {
      log_.push_back({.area = backend + " " + table, .change = line});
    }
  }
}

void DryRunKubeProxy::ipsetDestroy(const std::string& name) {
  log_.push_back({.area = "ipset", .change = "destroy " + name});
}

}  // namespace kipvs::app
