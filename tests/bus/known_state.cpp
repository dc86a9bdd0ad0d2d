#include "known_state.hpp"

#include <stdexcept>
#include <string>

namespace kipvs::test {

core::IpAddress ip(const char* text) {
  auto parsed = core::IpAddress::parse(text);
  if (!parsed) {
    throw std::invalid_argument(std::string("bad test address ") + text);
  }
  return *parsed;
}

core::VirtualServiceKey tcpKey(const char* address, std::uint16_t port) {
  const auto a = ip(address);
  return {.family = a.family(), .protocol = core::Protocol::Tcp, .address = a, .port = port};
}

namespace {

core::DesiredRealServer real(const char* address, std::uint16_t port, const char* pod, const char* node,
                             std::int32_t weight = 1) {
  return {.server = {.address = ip(address), .port = port, .weight = weight},
          .endpoint = {.pod = pod,
                       .node = node,
                       .ready = true,
                       .serving = true,
                       .terminating = false,
                       .local = std::string(node) == "node-a"}};
}

core::DesiredVirtualService service(core::VirtualServiceKey key, core::ServiceOrigin origin) {
  core::DesiredVirtualService out;
  out.service.key = key;
  out.origin = std::move(origin);
  return out;
}

void add(core::DesiredState& state, core::DesiredVirtualService service) {
  state.boundAddresses.insert(service.service.key.address);
  state.services.emplace(service.service.key, std::move(service));
}

}  // namespace

core::DesiredState knownState() {
  core::DesiredState state;
  {
    auto api =
        service(tcpKey("10.96.0.1", 443), {"default", "kubernetes", "https", core::ServiceKind::ClusterIP});
    api.reals.push_back(real("192.168.1.10", 6443, "", "node-a"));
    auto drained = real("192.168.1.11", 6443, "", "node-b", 0);
    drained.drained = true;
    api.reals.push_back(drained);
    add(state, api);
  }
  {
    const auto dnsIp = ip("10.96.0.10");
    auto dns =
        service({.family = core::IpFamily::V4, .protocol = core::Protocol::Udp, .address = dnsIp, .port = 53},
                {"kube-system", "kube-dns", "dns", core::ServiceKind::ClusterIP});
    dns.reals.push_back(real("10.244.1.5", 53, "coredns-7db6d8ff4d-abcde", "node-b"));
    add(state, dns);
  }
  {
    auto shop = service(tcpKey("fd00::20", 80), {"web", "shop", "http", core::ServiceKind::LoadBalancer});
    shop.service.scheduler = "sh";
    shop.service.flags = core::svc_flags::kPersistent;
    shop.service.timeout = 10800;
    shop.service.netmask = 128;
    auto terminating = real("fd00:244::7", 8080, "shop-0", "node-a", 0);
    terminating.endpoint.ready = false;
    terminating.endpoint.terminating = true;
    shop.reals.push_back(terminating);
    shop.problem = "loadBalancerSourceRanges ignored for IPv6";
    add(state, shop);
  }
  return state;
}

core::DesiredState changedState() {
  auto state = knownState();
  state.services.erase({.family = core::IpFamily::V4,
                        .protocol = core::Protocol::Udp,
                        .address = ip("10.96.0.10"),
                        .port = 53});
  state.services.at(tcpKey("fd00::20", 80)).service.scheduler = "mh";
  auto added = service(tcpKey("10.96.0.50", 8080), {"web", "new", "", core::ServiceKind::NodePort});
  added.reals.push_back(real("10.244.2.9", 8080, "new-1", "node-a"));
  add(state, added);
  return state;
}

core::AgentStatus knownStatus() {
  return {.nodeName = "node-a",
          .source = "kubernetes",
          .apiServer = "https://127.0.0.1:6443",
          .connected = true,
          .syncState = core::SyncState::Synced,
          .lastError = "",
          .resourceVersion = "4711"};
}

core::IpvsStats knownStats(std::uint64_t seed) {
  return {.connections = seed,
          .packetsIn = seed * 10,
          .packetsOut = seed * 9,
          .bytesIn = seed * 1000,
          .bytesOut = seed * 900,
          .connectionsPerSecond = 1,
          .packetsInPerSecond = 2,
          .packetsOutPerSecond = 3,
          .bytesInPerSecond = 4,
          .bytesOutPerSecond = 5};
}

core::DesiredState syntheticState(std::size_t n, int reals) {
  core::DesiredState state;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string vip = "10." + std::to_string(100 + i / 65536) + "." + std::to_string((i / 256) % 256) +
                            "." + std::to_string(i % 256);
    const std::string name = "svc-" + std::to_string(i);
    auto vs = service(tcpKey(vip.c_str(), 80), {"scale", name, "http", core::ServiceKind::ClusterIP});
    for (int r = 0; r < reals; ++r) {
      const std::string backend = "10.244." + std::to_string(r) + "." + std::to_string(i % 250 + 1);
      const std::string pod = name + "-7d4b9c6f5d-" + std::to_string(r);
      vs.reals.push_back(real(backend.c_str(), 8080, pod.c_str(), r % 2 == 0 ? "node-a" : "node-b"));
    }
    add(state, vs);
  }
  return state;
}

}  // namespace kipvs::test
