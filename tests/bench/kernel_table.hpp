#pragma once

// An in-memory IPVS "kernel" for the host benchmarks: the table and nothing else (no op log, no
// connection counters), so that what a benchmark measures is kipvs's own work and memory.

#include <vector>

#include "core/diff.hpp"
#include "core/ipvs_port.hpp"

namespace kipvs::bench {

class KernelTable final : public core::IpvsPort {
 public:
  core::ObservedState table;

  std::vector<core::VirtualServiceStatus> listServices() override {
    std::vector<core::VirtualServiceStatus> result;
    result.reserve(table.size());
    for (const auto& [key, vs] : table) {
      core::VirtualServiceStatus status;
      status.service = vs.service;
      result.push_back(status);
    }
    return result;
  }

  std::vector<core::RealServerStatus> listRealServers(const core::VirtualServiceKey& key) override {
    std::vector<core::RealServerStatus> reals;
    if (const auto it = table.find(key); it != table.end()) {
      reals.reserve(it->second.reals.size());
      for (const auto& server : it->second.reals) {
        core::RealServerStatus real;
        real.server = server;
        reals.push_back(real);
      }
    }
    return reals;
  }

  std::vector<int> apply(const std::vector<core::IpvsOp>& ops) override {
    for (const auto& op : ops) {
      core::applyToObserved(table, op);
    }
    return std::vector<int>(ops.size(), 0);
  }
};

}  // namespace kipvs::bench
