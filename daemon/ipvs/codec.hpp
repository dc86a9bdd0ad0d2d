#pragma once

// IPVS generic-netlink codec (<linux/ip_vs.h>): value types -> request payloads, reply payloads ->
// value types. Pure functions over bytes; the transport (NetlinkIpvs) only frames and moves them.
//
// Canonical forms (what decoding yields, what encoding expects):
// - fwmark services: key.protocol = Tcp, key.address = the family's unspecified address (0.0.0.0 or
//   ::), port 0; protocol/address/port are neither sent nor received for them.
// - flags never contain svc_flags::kHashed (the kernel sets it; decoding strips it).
// - netmask: IPv4 mask in host order (0xffffffff = /32); IPv6 prefix length 1..128. An IPv6 netmask
//   above 128 (the struct's all-ones default) is sent as 128.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/ipvs_model.hpp"
#include "core/ipvs_port.hpp"

namespace kipvs::ipvs {

// One generic-netlink request: the command and its attribute payload (after the genlmsghdr).
struct Request {
  std::uint8_t command = 0;
  std::vector<std::uint8_t> attributes{};
  bool dump = false;  // NLM_F_DUMP

  bool operator==(const Request&) const = default;
};

struct KernelInfo {
  std::uint32_t version = 0;        // IP_VS_VERSION_CODE, e.g. 0x010201
  std::uint32_t connTableSize = 0;  // size of the connection hash table

  std::string versionString() const;  // "1.2.1"
  bool operator==(const KernelInfo&) const = default;
};

// Connection timeouts in seconds. When setting, 0 leaves that timeout unchanged (kernel semantics).
struct Timeouts {
  std::uint32_t tcp = 0;
  std::uint32_t tcpFin = 0;
  std::uint32_t udp = 0;

  bool operator==(const Timeouts&) const = default;
};

// Requests. Encoders validate what the kernel would otherwise reject obscurely and throw IpvsError
// (EINVAL) naming the problem: address family mismatch, scheduler name too long.
Request encodeAddService(const core::VirtualService& service);
Request encodeEditService(const core::VirtualService& service);
Request encodeDeleteService(const core::VirtualServiceKey& key);
Request encodeGetService(const core::VirtualServiceKey& key);
Request encodeDumpServices();
Request encodeAddReal(const core::VirtualServiceKey& key, const core::RealServer& real);
Request encodeEditReal(const core::VirtualServiceKey& key, const core::RealServer& real);
Request encodeDeleteReal(const core::VirtualServiceKey& key, const core::RealServer& real);
Request encodeDumpReals(const core::VirtualServiceKey& key);
Request encodeGetInfo();
Request encodeGetConfig();
Request encodeSetConfig(const Timeouts& timeouts);
Request encodeFlush();
Request encode(const core::IpvsOp& op);

// What an op does, for error messages: "add virtual service TCP 10.0.0.1:80",
// "delete real server 10.1.0.5:8080 from virtual service UDP [fd00::1]:53".
std::string describe(const core::IpvsOp& op);

// Replies: `attributes` is the generic-netlink payload after the genlmsghdr. Throw IpvsError
// (EBADMSG) on truncated, missing or malformed attributes.
core::VirtualServiceStatus decodeService(std::span<const std::uint8_t> attributes);
core::RealServerStatus decodeRealServer(std::span<const std::uint8_t> attributes,
                                        core::IpFamily serviceFamily = core::IpFamily::V4);
KernelInfo decodeInfo(std::span<const std::uint8_t> attributes);
Timeouts decodeConfig(std::span<const std::uint8_t> attributes);

}  // namespace kipvs::ipvs
