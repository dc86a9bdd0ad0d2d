#pragma once

// Endpoint categorisation (kube-proxy pkg/proxy/topology.go CategorizeEndpoints): which endpoints of a
// Service port become real servers of a virtual service, and why each one is in or out (for Explain).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "core/node_context.hpp"

namespace kipvs::core {

enum class EndpointVerdict : std::uint8_t {
  Ready,                // in: ready
  TerminatingFallback,  // in: serving + terminating, used because no endpoint in scope is ready
  NotReady,             // out: not ready, and not serving + terminating
  TerminatingUnneeded,  // out: serving + terminating, but ready endpoints exist
  NotLocal,             // out: traffic policy Local, endpoint on another node
  OtherZone,            // out: topology (hints or trafficDistribution) sends this node elsewhere
  OtherNode,            // out: topology PreferSameNode
  NoPort,               // out: its slice has no port named like the Service port (same protocol)
  WrongFamily,          // out: its address is not of the virtual service's family
  Duplicate,            // out: the same address:port is listed again (another slice)
};

std::string_view toString(EndpointVerdict verdict);  // the reason, e.g. "ready", "not ready"
bool isUsed(EndpointVerdict verdict);

struct EndpointDecision {
  IpAddress address;  // unspecified when the endpoint had no address
  std::uint16_t port = 0;
  EndpointOrigin origin{};
  std::string zone{};
  EndpointVerdict verdict = EndpointVerdict::Ready;

  bool operator==(const EndpointDecision&) const = default;
};

// An endpoint of one Service port and family, before the traffic-policy choice.
struct Candidate {
  const Endpoint* endpoint = nullptr;
  IpAddress address{};
  std::uint16_t port = 0;
  bool local = false;
};

struct CandidateSet {
  std::vector<Candidate> candidates{};
  std::vector<EndpointDecision> rejected{};  // NoPort, WrongFamily, Duplicate
};

// The endpoints of `slices` that serve `port` in `family`: slice port matched by name and protocol,
// first address only, duplicates (same address:port) dropped.
CandidateSet collectCandidates(std::span<const EndpointSlice> slices, const ServicePort& port,
                               IpFamily family, const NodeContext& node);

enum class EndpointScope : std::uint8_t { Cluster, Local };

// Who decides topology. The EndpointSlice controller writes hints for Services of the API server; kipvs
// follows them exactly as kube-proxy does (pkg/proxy/topology.go, topologyModeFromHints): a ready endpoint
// without hints turns topology off, whatever trafficDistribution says, and the controller drops hints on
// purpose (unbalanced zones). Static Services have no controller, so kipvs derives from trafficDistribution
// and the endpoints' own node and zone what the controller would have hinted.
enum class TopologyHints : std::uint8_t { FromController, DerivedWhenAbsent };

// One verdict per candidate, in order. Cluster: ready endpoints narrowed by topology, else serving +
// terminating. Local: local ready endpoints, else local serving + terminating (topology ignored).
std::vector<EndpointVerdict> selectEndpoints(std::span<const Candidate> candidates, EndpointScope scope,
                                             TrafficDistribution distribution, TopologyHints hints,
                                             const NodeContext& node);

EndpointOrigin originOf(const Candidate& candidate);

}  // namespace kipvs::core
