#pragma once

// Kernel IPVS objects as plain values: what the netlink layer encodes and decodes, what the core diffs.

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>

#include "core/ip_address.hpp"
#include "core/protocol.hpp"

namespace kipvs::core {

// IP_VS_SVC_F_* from <linux/ip_vs.h>.
namespace svc_flags {
inline constexpr std::uint32_t kPersistent = 0x0001;
inline constexpr std::uint32_t kHashed = 0x0002;  // set by the kernel; ignored when comparing
inline constexpr std::uint32_t kOnePacket = 0x0004;
inline constexpr std::uint32_t kSched1 = 0x0008;  // sh-fallback / mh-fallback
inline constexpr std::uint32_t kSched2 = 0x0010;  // sh-port / mh-port
inline constexpr std::uint32_t kSched3 = 0x0020;
}  // namespace svc_flags

// IP_VS_CONN_F_FWD_MASK values.
enum class ForwardMethod : std::uint8_t {
  Masquerade = 0,
  Local = 1,
  Tunnel = 2,
  DirectRoute = 3,
  Bypass = 4
};

std::string_view toString(ForwardMethod method);

// Identifies a virtual service: (family, protocol, address, port) or (family, fwmark) when fwmark != 0.
struct VirtualServiceKey {
  IpFamily family = IpFamily::V4;
  Protocol protocol = Protocol::Tcp;
  IpAddress address;
  std::uint16_t port = 0;
  std::uint32_t fwmark = 0;

  std::string toString() const;  // "TCP 10.0.0.1:80", "TCP [fd00::1]:80", "FWM 7 IPv4"
  auto operator<=>(const VirtualServiceKey&) const = default;
};

struct VirtualService {
  VirtualServiceKey key;
  std::string scheduler = "rr";
  std::uint32_t flags = 0;             // svc_flags; kHashed never included
  std::uint32_t timeout = 0;           // persistence timeout in seconds
  std::uint32_t netmask = 0xffffffff;  // persistence netmask: v4 mask, or prefix length for v6

  bool operator==(const VirtualService&) const = default;
};

struct RealServer {
  IpAddress address;
  std::uint16_t port = 0;
  std::int32_t weight = 1;
  ForwardMethod forward = ForwardMethod::Masquerade;
  std::uint32_t upperThreshold = 0;
  std::uint32_t lowerThreshold = 0;

  bool operator==(const RealServer&) const = default;
};

// Counters and rates as the kernel reports them (IPVS_STATS_ATTR_*; 64-bit variant where available).
struct IpvsStats {
  std::uint64_t connections = 0;
  std::uint64_t packetsIn = 0;
  std::uint64_t packetsOut = 0;
  std::uint64_t bytesIn = 0;
  std::uint64_t bytesOut = 0;
  std::uint64_t connectionsPerSecond = 0;
  std::uint64_t packetsInPerSecond = 0;
  std::uint64_t packetsOutPerSecond = 0;
  std::uint64_t bytesInPerSecond = 0;
  std::uint64_t bytesOutPerSecond = 0;

  bool operator==(const IpvsStats&) const = default;
};

struct VirtualServiceStatus {
  VirtualService service;
  IpvsStats stats;

  bool operator==(const VirtualServiceStatus&) const = default;
};

struct RealServerStatus {
  RealServer server;
  std::uint32_t activeConnections = 0;
  std::uint32_t inactiveConnections = 0;
  std::uint32_t persistentConnections = 0;
  IpvsStats stats;

  bool operator==(const RealServerStatus&) const = default;
};

std::ostream& operator<<(std::ostream& out, const VirtualServiceKey& key);
std::ostream& operator<<(std::ostream& out, const VirtualService& service);
std::ostream& operator<<(std::ostream& out, const RealServer& server);

}  // namespace kipvs::core
