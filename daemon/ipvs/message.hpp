#pragma once

// Netlink framing for generic netlink: nlmsghdr + genlmsghdr + attributes out, a received datagram
// split into messages in. Pure; the transport supplies the family id and sequence numbers.

#include <cstdint>
#include <span>
#include <vector>

#include "ipvs/codec.hpp"

namespace kipvs::ipvs {

// Appends one request message to `out` (several can share one sendmsg). `flags` are added to
// NLM_F_REQUEST (and NLM_F_DUMP when request.dump).
void appendRequest(std::vector<std::uint8_t>& out, std::uint16_t family, std::uint32_t seq,
                   std::uint16_t flags, const Request& request);

struct NetlinkMessage {
  std::uint16_t type = 0;
  std::uint16_t flags = 0;
  std::uint32_t seq = 0;
  std::span<const std::uint8_t> payload{};  // after the nlmsghdr

  bool isError() const;  // NLMSG_ERROR: an ack (errnum 0) or an error
  bool isDone() const;   // NLMSG_DONE: end of a dump
  // For NLMSG_ERROR: the positive errno, 0 for an ack. For NLMSG_DONE: the dump's error, usually 0.
  int errnum() const;
  // For generic-netlink replies: the command byte and the attributes after the genlmsghdr.
  std::uint8_t genlCommand() const;
  std::span<const std::uint8_t> genlAttributes() const;
};

// Splits a received datagram. Throws IpvsError(EBADMSG) on a truncated or inconsistent header.
std::vector<NetlinkMessage> splitMessages(std::span<const std::uint8_t> datagram);

}  // namespace kipvs::ipvs
