#pragma once

// The independent witness: run ipvsadm inside the guest and parse what it prints into core values.

#include <map>
#include <string>
#include <vector>

#include "core/ipvs_model.hpp"

namespace kipvs::ipvs::vmtest {

// Runs a shell command, returns its stdout; throws std::runtime_error when it exits non-zero.
std::string run(const std::string& command);

struct AdmService {
  core::VirtualService service;
  std::vector<core::RealServer> reals;  // sorted

  bool operator==(const AdmService&) const = default;
};
using AdmTable = std::map<core::VirtualServiceKey, AdmService>;

// `ipvsadm -S -n`: no thresholds (shown as 0), no netmasks of non-persistent services (the default).
AdmTable parseSave(const std::string& text);
// `ipvsadm -Ln`: no thresholds, netmasks as for parseSave. With --thresholds ipvsadm shows the
// thresholds instead of forwarding method and weight (parsed as Masquerade, weight 0).
AdmTable parseList(const std::string& text);

// What ipvsadm can show of `service`: the default netmask unless persistent.
core::VirtualService visible(core::VirtualService service);

struct AdmStats {
  std::uint64_t connections = 0;
  std::map<std::string, std::uint64_t> realConnections;  // "10.244.1.2:8080" -> conns
};
// `ipvsadm -Ln --stats --exact`: connections of the service `serviceText` ("TCP  10.96.0.10:80").
AdmStats parseStats(const std::string& text, const std::string& serviceAddress);

}  // namespace kipvs::ipvs::vmtest
