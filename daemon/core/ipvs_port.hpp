#pragma once

// The core's view of the kernel's IPVS table. Implemented by ipvs::NetlinkIpvs; faked in tests.

#include <cerrno>
#include <vector>

#include "core/ipvs_model.hpp"

namespace kipvs::core {

// One change to the IPVS table. `service` identifies the virtual service for every kind (only its key
// matters for DeleteService and the real-server kinds); `real` is used by the real-server kinds.
struct IpvsOp {
  enum class Kind : std::uint8_t { AddService, EditService, DeleteService, AddReal, EditReal, DeleteReal };
  Kind kind = Kind::AddService;
  VirtualService service;
  RealServer real;

  bool operator==(const IpvsOp&) const = default;
};

std::ostream& operator<<(std::ostream& out, const IpvsOp& op);

class IpvsPort {
 public:
  virtual ~IpvsPort() = default;

  virtual std::vector<VirtualServiceStatus> listServices() = 0;
  virtual std::vector<RealServerStatus> listRealServers(const VirtualServiceKey& key) = 0;

  // Applies ops in order, pipelined where the transport can. Returns one errno per op (0 = done);
  // a failed op does not stop the ones after it. Throws only when the transport itself fails.
  virtual std::vector<int> apply(const std::vector<IpvsOp>& ops) = 0;
};

}  // namespace kipvs::core
