#include "model.hpp"

namespace kipvs::ctl {

std::string hostPort(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string realState(const RealRow& real) {
  if (real.drained) {
    return "drained";
  }
  if (real.terminating) {
    return real.serving ? "terminating,serving" : "terminating";
  }
  return real.ready ? "ready" : "not-ready";
}

std::string serviceName(const ServiceRow& row) {
  if (row.name.empty()) {
    return row.key;
  }
  std::string name = row.ns.empty() ? row.name : row.ns + "/" + row.name;
  if (!row.portName.empty()) {
    name += ":" + row.portName;
  }
  return name;
}

}  // namespace kipvs::ctl
