#include "core/endpoint_selection.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace kipvs::core {
namespace {

bool isFallbackEligible(const Endpoint& endpoint) {
  return endpoint.conditions.serving && endpoint.conditions.terminating;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::optional<IpFamily> familyOf(AddressType type) {
  switch (type) {
    case AddressType::IPv4:
      return IpFamily::V4;
    case AddressType::IPv6:
      return IpFamily::V6;
    case AddressType::FQDN:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> slicePort(const EndpointSlice& slice, const ServicePort& port) {
  for (const auto& candidate : slice.ports) {
    if (candidate.name && *candidate.name == port.name && candidate.protocol == port.protocol &&
        candidate.port.value_or(0) != 0) {
      return candidate.port;
    }
  }
  return std::nullopt;
}

// Topology narrowing of the ready set (kube-proxy's CategorizeEndpoints). Returns the verdict for
// ready candidates that topology excludes, or Ready when topology does not apply.
struct TopologyFilter {
  bool active = false;
  bool byNode = false;
  bool derived = false;  // from trafficDistribution, no hints on any endpoint
};

bool keeps(const TopologyFilter& filter, const Candidate& candidate, const NodeContext& node) {
  const Endpoint& ep = *candidate.endpoint;
  if (!filter.active) {
    return true;
  }
  if (filter.derived) {
    return filter.byNode ? candidate.local : ep.zone == node.zone;
  }
  return filter.byNode ? contains(ep.hintNodes, node.nodeName) : contains(ep.hintZones, node.zone);
}

// An empty hint list is no hint, as in kube-proxy (`ZoneHints().Len() == 0`).
TopologyFilter chooseTopology(const std::vector<const Candidate*>& ready, TrafficDistribution distribution,
                              TopologyHints hints, const NodeContext& node) {
  if (ready.empty()) {
    return {};
  }
  const auto all = [&](auto predicate) { return std::all_of(ready.begin(), ready.end(), predicate); };
  const auto any = [&](auto predicate) { return std::any_of(ready.begin(), ready.end(), predicate); };
  if (!node.nodeName.empty() && all([](const Candidate* c) { return !c->endpoint->hintNodes.empty(); }) &&
      any([&](const Candidate* c) { return contains(c->endpoint->hintNodes, node.nodeName); })) {
    return {.active = true, .byNode = true};
  }
  if (!node.zone.empty() && all([](const Candidate* c) { return !c->endpoint->hintZones.empty(); }) &&
      any([&](const Candidate* c) { return contains(c->endpoint->hintZones, node.zone); })) {
    return {.active = true};
  }
  // No hints at all on a static Service: derive what the EndpointSlice controller would have hinted from
  // the endpoints' own node and zone.
  const bool noHints = all(
      [](const Candidate* c) { return c->endpoint->hintNodes.empty() && c->endpoint->hintZones.empty(); });
  if (hints != TopologyHints::DerivedWhenAbsent || !noHints || distribution == TrafficDistribution::None) {
    return {};
  }
  if (distribution == TrafficDistribution::PreferSameNode &&
      any([](const Candidate* c) { return c->local; })) {
    return {.active = true, .byNode = true, .derived = true};
  }
  if (!node.zone.empty() && all([](const Candidate* c) { return !c->endpoint->zone.empty(); }) &&
      any([&](const Candidate* c) { return c->endpoint->zone == node.zone; })) {
    return {.active = true, .derived = true};
  }
  return {};
}

}  // namespace

std::string_view toString(EndpointVerdict verdict) {
  switch (verdict) {
    case EndpointVerdict::Ready:
      return "ready";
    case EndpointVerdict::TerminatingFallback:
      return "serving and terminating, used because no endpoint in scope is ready";
    case EndpointVerdict::NotReady:
      return "not ready";
    case EndpointVerdict::TerminatingUnneeded:
      return "terminating, and ready endpoints exist";
    case EndpointVerdict::NotLocal:
      return "on another node and the traffic policy is Local";
    case EndpointVerdict::OtherZone:
      return "topology routes this node's traffic to another zone";
    case EndpointVerdict::OtherNode:
      return "topology routes this node's traffic to its own node";
    case EndpointVerdict::NoPort:
      return "its EndpointSlice has no port matching the Service port's name and protocol";
    case EndpointVerdict::WrongFamily:
      return "address family differs from the virtual service's";
    case EndpointVerdict::Duplicate:
      return "same address and port listed twice";
  }
  return "?";
}

bool isUsed(EndpointVerdict verdict) {
  return verdict == EndpointVerdict::Ready || verdict == EndpointVerdict::TerminatingFallback;
}

EndpointOrigin originOf(const Candidate& candidate) {
  const Endpoint& ep = *candidate.endpoint;
  return {.pod = ep.podName,
          .node = ep.nodeName,
          .ready = ep.conditions.ready,
          .serving = ep.conditions.serving,
          .terminating = ep.conditions.terminating,
          .local = candidate.local};
}

CandidateSet collectCandidates(std::span<const EndpointSlice> slices, const ServicePort& port,
                               IpFamily family, const NodeContext& node) {
  CandidateSet result;
  std::set<std::pair<IpAddress, std::uint16_t>> seen;
  for (const auto& slice : slices) {
    if (familyOf(slice.addressType) != family) {
      continue;  // the other family's slices belong to the other family's virtual services
    }
    const auto number = slicePort(slice, port);
    for (const auto& ep : slice.endpoints) {
      Candidate candidate{.endpoint = &ep, .local = !node.nodeName.empty() && ep.nodeName == node.nodeName};
      if (!ep.addresses.empty()) {
        candidate.address = ep.addresses.front();
      }
      candidate.port = number.value_or(0);
      auto reject = [&](EndpointVerdict verdict) {
        result.rejected.push_back({.address = candidate.address,
                                   .port = candidate.port,
                                   .origin = originOf(candidate),
                                   .zone = ep.zone,
                                   .verdict = verdict});
      };
      if (ep.addresses.empty() || candidate.address.family() != family) {
        reject(EndpointVerdict::WrongFamily);
      } else if (!number) {
        reject(EndpointVerdict::NoPort);
      } else if (!seen.emplace(candidate.address, candidate.port).second) {
        reject(EndpointVerdict::Duplicate);
      } else {
        result.candidates.push_back(candidate);
      }
    }
  }
  return result;
}

std::vector<EndpointVerdict> selectEndpoints(std::span<const Candidate> candidates, EndpointScope scope,
                                             TrafficDistribution distribution, TopologyHints hints,
                                             const NodeContext& node) {
  std::vector<EndpointVerdict> verdicts(candidates.size(), EndpointVerdict::NotReady);
  const auto inScope = [&](const Candidate& c) { return scope == EndpointScope::Cluster || c.local; };

  std::vector<const Candidate*> ready;
  for (const auto& c : candidates) {
    if (inScope(c) && c.endpoint->conditions.ready) {
      ready.push_back(&c);
    }
  }
  const auto topology =
      scope == EndpointScope::Cluster ? chooseTopology(ready, distribution, hints, node) : TopologyFilter{};
  bool anyUsed = false;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (!inScope(c)) {
      verdicts[i] = EndpointVerdict::NotLocal;
    } else if (c.endpoint->conditions.ready) {
      verdicts[i] = keeps(topology, c, node) ? EndpointVerdict::Ready
                    : topology.byNode        ? EndpointVerdict::OtherNode
                                             : EndpointVerdict::OtherZone;
      anyUsed = anyUsed || verdicts[i] == EndpointVerdict::Ready;
    }
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (inScope(c) && !c.endpoint->conditions.ready && isFallbackEligible(*c.endpoint)) {
      verdicts[i] = anyUsed ? EndpointVerdict::TerminatingUnneeded : EndpointVerdict::TerminatingFallback;
    }
  }
  return verdicts;
}

}  // namespace kipvs::core
