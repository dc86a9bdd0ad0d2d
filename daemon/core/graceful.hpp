#pragma once

// Graceful termination (kube-proxy pkg/proxy/ipvs/graceful_termination.go) applied on top of a plan. A TCP
// real server that leaves the desired set while it still has connections goes to weight 0 and is remembered;
// it is deleted when active+inactive connections reach 0, or when `deadline` has passed (0 = no deadline,
// kube-proxy's behaviour). UDP and SCTP real servers are deleted at once and a conntrack flush is
// requested for each. An endpoint that comes back while terminating is simply weighted up again
// (no delete + add, its connections survive).

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "core/diff.hpp"
#include "core/ports.hpp"

namespace kipvs::core {

struct ConntrackFlush {
  IpAddress vip;
  std::uint16_t port = 0;
  Protocol protocol = Protocol::Udp;
  IpAddress realIp;

  auto operator<=>(const ConntrackFlush&) const = default;
};

// active + inactive connections of a real server now; nullopt when the kernel no longer has it.
using ConnectionLookup =
    std::function<std::optional<std::uint64_t>(const VirtualServiceKey&, const RealServer&)>;

class GracefulTermination {
 public:
  GracefulTermination(const Clock& clock, std::chrono::seconds deadline)
      : clock_(clock), deadline_(deadline) {}

  struct Rewritten {
    std::vector<IpvsOp> ops;
    std::vector<ConntrackFlush> flushes;  // to request once the ops are applied
  };

  // `observed` is the kernel before the plan (for the real servers of deleted virtual services).
  Rewritten rewrite(const std::vector<IpvsOp>& plan, const ObservedState& observed,
                    const ConnectionLookup& connections);

  // DeleteReal ops for terminating real servers that drained or outlived the deadline; forgets those
  // the kernel no longer has.
  std::vector<IpvsOp> reap(const ConnectionLookup& connections);

  bool isTerminating(const VirtualServiceKey& key, const RealServer& real) const;
  // Stops tracking (its weight-0 edit failed: the next plan must try again).
  void forget(const VirtualServiceKey& key, const RealServer& real) { terminating_.erase(idOf(key, real)); }
  std::size_t size() const { return terminating_.size(); }
  void clear() { terminating_.clear(); }

 private:
  using Id = std::tuple<VirtualServiceKey, IpAddress, std::uint16_t>;
  struct Entry {
    VirtualService service;
    RealServer real;  // as programmed: weight 0
    Clock::TimePoint since;
  };

  static Id idOf(const VirtualServiceKey& key, const RealServer& real) {
    return {key, real.address, real.port};
  }
  void forgetService(const VirtualServiceKey& key);

  const Clock& clock_;
  std::chrono::seconds deadline_;
  std::map<Id, Entry> terminating_;
};

}  // namespace kipvs::core
