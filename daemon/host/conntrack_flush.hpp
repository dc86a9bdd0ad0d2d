#pragma once

// Deletes stale conntrack entries of UDP/SCTP services (kube-proxy pkg/proxy/conntrack/cleanup.go): after a
// real server goes away, a client that keeps sending from the same port would otherwise stick to the dead
// entry.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/ip_address.hpp"
#include "core/ports.hpp"
#include "core/protocol.hpp"
#include "host/netlink_util.hpp"

namespace kipvs::host {

// Entries whose original destination is destination:port/protocol and, when replySource is set, whose
// reply comes from that real server (the address IPVS sent the flow to).
struct ConntrackFilter {
  core::IpAddress destination;
  core::Protocol protocol = core::Protocol::Udp;
  std::uint16_t port = 0;
  std::optional<core::IpAddress> replySource;

  bool operator==(const ConntrackFilter&) const = default;
};

// The parts of a conntrack entry the filters look at.
struct ConntrackTuple {
  core::IpAddress originalDestination;
  std::uint8_t ipProtocol = 0;  // IPPROTO_*
  std::uint16_t originalDestinationPort = 0;
  core::IpAddress replySource;
};

bool matches(const ConntrackFilter& filter, const ConntrackTuple& tuple);
bool matchesAny(std::span<const ConntrackFilter> filters, const ConntrackTuple& tuple);

class NetlinkConntrack final : public core::ConntrackPort {
 public:
  NetlinkConntrack();

  // One dump of the conntrack table, then one delete per matching entry. Returns the number deleted
  // (entries that expire meanwhile are not counted and are no error). Throws std::system_error.
  std::size_t flush(std::span<const ConntrackFilter> filters);
  std::size_t flush(const ConntrackFilter& filter) { return flush(std::span(&filter, 1)); }

  // core::ConntrackPort
  void flush(const core::IpAddress& vip, std::uint16_t port, core::Protocol protocol,
             const core::IpAddress& realIp) override {
    flush(ConntrackFilter{.destination = vip, .protocol = protocol, .port = port, .replySource = realIp});
  }

 private:
  NlSocket sock_;
};

}  // namespace kipvs::host
