#pragma once

// What kipvsctl shows, as plain values decoded from the contract's structs (see proxies.cpp).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kipvs::ctl {

struct RealRow {
  std::string address;
  std::uint16_t port = 0;
  std::int32_t weight = 0;
  std::string forward, pod, node;
  bool ready = false, serving = false, terminating = false, local = false, drained = false;
};

struct ServiceRow {
  std::string path, key, ns, name, portName, kind, protocol, address;
  std::uint16_t port = 0;
  std::uint32_t fwmark = 0;
  std::string scheduler;
  std::vector<std::string> flags;
  std::uint32_t persistence = 0;
  std::string problem;
  std::vector<RealRow> reals;
};

struct Counters {
  std::uint64_t connections = 0, packetsIn = 0, packetsOut = 0, bytesIn = 0, bytesOut = 0;
  std::uint64_t connectionsPerSecond = 0, packetsInPerSecond = 0, packetsOutPerSecond = 0;
  std::uint64_t bytesInPerSecond = 0, bytesOutPerSecond = 0;
};

struct RealStats {
  std::string address;
  std::uint16_t port = 0;
  std::uint32_t active = 0, inactive = 0, persistent = 0;
  Counters counters;
};

struct ServiceStats {
  Counters counters;
  std::vector<RealStats> reals;
};

struct StatusView {
  std::string version, nodeName, source, apiServer, syncState, lastError, resourceVersion;
  bool connected = false;
  std::uint64_t lastSyncUsec = 0;
  std::uint32_t virtualServices = 0, realServers = 0;
};

struct Verdict {
  std::string address;
  std::uint16_t port = 0;
  std::string pod, node;
  bool included = false;
  std::string reason;
};

struct ExplainView {
  std::string key, summary;
  std::vector<Verdict> endpoints;
};

// "10.0.0.1:80" or "[fd00::1]:80".
std::string hostPort(const std::string& address, std::uint16_t port);
// "ready", "not-ready", "terminating", "terminating,serving", "drained"
std::string realState(const RealRow& real);
// "ns/name:port" (":port" only when named), or the key for services without a name.
std::string serviceName(const ServiceRow& row);

}  // namespace kipvs::ctl
