#include "core/desired_service.hpp"

#include <algorithm>
#include <set>

#include "core/scheduler_config.hpp"

namespace kipvs::core {
namespace {

constexpr std::uint32_t kDefaultAffinityTimeout = 10800;

std::string skipReason(const Service& service) {
  if (service.meta.labels.contains(std::string(kServiceProxyNameLabel))) {
    return "label " + std::string(kServiceProxyNameLabel) + " hands it to another proxy";
  }
  if (service.type == ServiceType::ExternalName) {
    return "ExternalName Services are DNS only";
  }
  if (service.headless) {
    return "headless Service (clusterIP None)";
  }
  return {};
}

bool isNodeAddress(const NodeContext& node, const IpAddress& address) {
  return std::find(node.nodeAddresses.begin(), node.nodeAddresses.end(), address) != node.nodeAddresses.end();
}

bool isDrained(const NodeContext& node, const ObjectKey& service, const VirtualServiceKey& key,
               const IpAddress& address) {
  const auto& drains = node.drains;
  return drains.node || drains.endpoints.contains(address) || drains.services.contains(service) ||
         drains.virtuals.contains(key);
}

// Everything one (Service port, family) pair needs, computed once and shared by its virtual services.
struct PortFamily {
  const ServicePort* port = nullptr;
  IpFamily family = IpFamily::V4;
  CandidateSet candidates{};
  std::vector<EndpointVerdict> cluster{};  // verdicts with scope Cluster
  std::vector<EndpointVerdict> local{};    // verdicts with scope Local
};

class ServiceBuilder {
 public:
  ServiceBuilder(const Service& service, std::span<const EndpointSlice> slices, const NodeContext& node,
                 std::vector<ExplainedVirtualService>* explain)
      : service_(service), slices_(slices), node_(node), explain_(explain) {
    out_.key = service.meta.key();
  }

  ServiceDesired build() {
    out_.skipped = skipReason(service_);
    if (!out_.skipped.empty()) {
      return std::move(out_);
    }
    auto choice = chooseScheduler(service_.meta.annotations, node_.defaultScheduler);
    scheduler_ = choice.scheduler;
    flags_ = choice.flags;
    problems(choice.problems);
    if (service_.clientIPAffinity) {
      flags_ |= svc_flags::kPersistent;
      timeout_ = service_.affinityTimeoutSeconds;
      if (timeout_ == 0) {
        problem("sessionAffinity timeout 0 is invalid; using " + std::to_string(kDefaultAffinityTimeout) +
                " s");
        timeout_ = kDefaultAffinityTimeout;
      }
    }
    const auto families = clusterFamilies();
    if (families.empty()) {
      problem("no usable clusterIP; nothing programmed");
    }
    checkExternalFamilies(families);
    std::set<std::pair<std::uint16_t, Protocol>> seenPorts;
    for (const auto& port : service_.ports) {
      if (port.port == 0) {
        problem("port \"" + port.name + "\" has port number 0; skipped");
        continue;
      }
      if (!seenPorts.emplace(port.port, port.protocol).second) {
        problem("port " + std::to_string(port.port) + "/" + std::string(toString(port.protocol)) +
                " is listed twice; the second is skipped");
        continue;
      }
      for (const auto& [family, clusterIP] : families) {
        buildPort(port, family, clusterIP);
      }
    }
    if (service_.type == ServiceType::LoadBalancer &&
        service_.externalTrafficPolicy == TrafficPolicy::Local) {
      out_.healthCheckNodePort = service_.healthCheckNodePort;
    }
    std::string joined;
    for (const auto& text : out_.problems) {
      joined += (joined.empty() ? "" : "; ") + text;
    }
    for (auto& virtualService : out_.services) {
      virtualService.problem = joined;
    }
    return std::move(out_);
  }

 private:
  void problem(std::string text) { out_.problems.push_back(std::move(text)); }
  void problems(const std::vector<std::string>& texts) {
    out_.problems.insert(out_.problems.end(), texts.begin(), texts.end());
  }

  // First clusterIP of each family this node programs.
  std::map<IpFamily, IpAddress> clusterFamilies() {
    std::map<IpFamily, IpAddress> families;
    for (const auto& ip : service_.clusterIPs) {
      if (ip.isUnspecified()) {
        problem("clusterIP " + ip.toString() + " is unspecified; ignored");
      } else if (!families.emplace(ip.family(), ip).second) {
        problem("second " + std::string(toString(ip.family())) + " clusterIP " + ip.toString() + " ignored");
      }
    }
    std::erase_if(families, [&](const auto& entry) { return !node_.families.contains(entry.first); });
    return families;
  }

  void checkExternalFamilies(const std::map<IpFamily, IpAddress>& families) {
    const auto check = [&](const IpAddress& ip, const char* what) {
      if (!families.contains(ip.family())) {
        problem(std::string(what) + " " + ip.toString() + " ignored: the Service has no " +
                std::string(toString(ip.family())) + " clusterIP on this node");
      }
    };
    for (const auto& ip : service_.externalIPs) {
      check(ip, "externalIP");
    }
    for (const auto& ingress : service_.loadBalancerIngress) {
      if (ingress.ip && !ingress.proxyMode && service_.type == ServiceType::LoadBalancer) {
        check(*ingress.ip, "LoadBalancer ingress IP");
      }
    }
  }

  void buildPort(const ServicePort& port, IpFamily family, const IpAddress& clusterIP) {
    PortFamily pf{.port = &port, .family = family};
    pf.candidates = collectCandidates(slices_, port, family, node_);
    const auto hints =
        service_.staticSource ? TopologyHints::DerivedWhenAbsent : TopologyHints::FromController;
    pf.cluster = selectEndpoints(pf.candidates.candidates, EndpointScope::Cluster,
                                 service_.trafficDistribution, hints, node_);
    pf.local = selectEndpoints(pf.candidates.candidates, EndpointScope::Local, service_.trafficDistribution,
                               hints, node_);

    const bool internalLocal = service_.internalTrafficPolicy == TrafficPolicy::Local;
    const bool externalLocal = service_.externalTrafficPolicy == TrafficPolicy::Local;
    add(pf, clusterIP, port.port, service_.staticSource ? ServiceKind::Static : ServiceKind::ClusterIP, true,
        internalLocal);

    const bool hasNodePort = port.nodePort != 0 && (service_.type == ServiceType::NodePort ||
                                                    service_.type == ServiceType::LoadBalancer);
    if (hasNodePort) {
      for (const auto& address : nodePortAddressesFor(node_, family)) {
        add(pf, address, port.nodePort, ServiceKind::NodePort, false, externalLocal);
      }
    }
    for (const auto& ip : service_.externalIPs) {
      if (ip.family() == family) {
        add(pf, ip, port.port, ServiceKind::ExternalIP, !isNodeAddress(node_, ip), externalLocal);
      }
    }
    if (service_.type != ServiceType::LoadBalancer) {
      return;
    }
    for (const auto& ingress : service_.loadBalancerIngress) {
      if (ingress.ip && !ingress.proxyMode && ingress.ip->family() == family) {
        auto& vs = add(pf, *ingress.ip, port.port, ServiceKind::LoadBalancer,
                       !isNodeAddress(node_, *ingress.ip), externalLocal);
        for (const auto& range : service_.loadBalancerSourceRanges) {
          if (range.base.family() == family) {
            vs.sourceRanges.push_back(range);
          }
        }
      }
    }
  }

  DesiredVirtualService& add(const PortFamily& pf, const IpAddress& address, std::uint16_t number,
                             ServiceKind kind, bool bind, bool localOnly) {
    DesiredVirtualService vs;
    vs.service.key = {.family = pf.family, .protocol = pf.port->protocol, .address = address, .port = number};
    vs.service.scheduler = scheduler_;
    vs.service.flags = flags_;
    vs.service.timeout = timeout_;
    vs.service.netmask = pf.family == IpFamily::V4 ? 0xffffffffU : 128U;
    vs.origin = {.ns = service_.meta.ns, .name = service_.meta.name, .portName = pf.port->name, .kind = kind};
    vs.bindAddress = bind;
    vs.localOnly = localOnly;

    const auto& verdicts = localOnly ? pf.local : pf.cluster;
    const auto& candidates = pf.candidates.candidates;
    // Exact size: 10k services x 10 reals with growth slack would be ~7 MiB more.
    vs.reals.reserve(static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(), isUsed)));
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (!isUsed(verdicts[i])) {
        continue;
      }
      const bool drained = isDrained(node_, out_.key, vs.service.key, candidates[i].address);
      vs.reals.push_back({.server = {.address = candidates[i].address,
                                     .port = candidates[i].port,
                                     .weight = drained ? 0 : 1},
                          .endpoint = originOf(candidates[i]),
                          .drained = drained});
    }
    std::sort(vs.reals.begin(), vs.reals.end(), [](const auto& a, const auto& b) {
      return std::tie(a.server.address, a.server.port) < std::tie(b.server.address, b.server.port);
    });
    if (explain_ != nullptr) {
      ExplainedVirtualService explained{.key = vs.service.key, .origin = vs.origin};
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        explained.endpoints.push_back({.address = candidates[i].address,
                                       .port = candidates[i].port,
                                       .origin = originOf(candidates[i]),
                                       .zone = candidates[i].endpoint->zone,
                                       .verdict = verdicts[i]});
      }
      const auto& rejected = pf.candidates.rejected;
      explained.endpoints.insert(explained.endpoints.end(), rejected.begin(), rejected.end());
      explain_->push_back(std::move(explained));
    }
    out_.services.push_back(std::move(vs));
    return out_.services.back();
  }

  const Service& service_;
  std::span<const EndpointSlice> slices_;
  const NodeContext& node_;
  std::vector<ExplainedVirtualService>* explain_;
  ServiceDesired out_;
  std::string scheduler_;
  std::uint32_t flags_ = 0;
  std::uint32_t timeout_ = 0;
};

}  // namespace

std::vector<IpAddress> nodePortAddressesFor(const NodeContext& node, IpFamily family) {
  std::set<IpAddress> chosen;
  for (const auto& address : node.nodeAddresses) {
    if (address.family() != family || address.isUnspecified() || address.isLoopback() ||
        (family == IpFamily::V6 && address.isLinkLocal())) {
      continue;
    }
    const bool allowed = node.nodePortAddresses.empty() ||
                         std::any_of(node.nodePortAddresses.begin(), node.nodePortAddresses.end(),
                                     [&](const Cidr& cidr) { return cidr.contains(address); });
    if (allowed) {
      chosen.insert(address);
    }
  }
  return {chosen.begin(), chosen.end()};
}

ServiceDesired computeService(const Service& service, std::span<const EndpointSlice> slices,
                              const NodeContext& node) {
  return ServiceBuilder(service, slices, node, nullptr).build();
}

std::vector<ExplainedVirtualService> explainService(const Service& service,
                                                    std::span<const EndpointSlice> slices,
                                                    const NodeContext& node) {
  std::vector<ExplainedVirtualService> explained;
  ServiceBuilder(service, slices, node, &explained).build();
  return explained;
}

}  // namespace kipvs::core
