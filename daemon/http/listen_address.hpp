#pragma once

// Where a listener binds: "0.0.0.0:10256", "127.0.0.1:10249", "[::]:10256", "[fd00::1]:30001". The
// listening socket itself (SO_REUSEADDR, non-blocking, close-on-exec) is opened here too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.hpp"

namespace kipvs::http {

struct ListenAddress {
  core::IpAddress ip;
  std::uint16_t port = 0;  // 0: the kernel picks one (tests)

  // "host:port" with an IPv4 address or a bracketed IPv6 one; nullopt when malformed.
  static std::optional<ListenAddress> parse(std::string_view text);
  std::string toString() const;
  auto operator<=>(const ListenAddress&) const = default;
};

// The wildcard address that takes both families: "[::]" without IPV6_V6ONLY where the kernel has
// IPv6, else "0.0.0.0" (kube-proxy's Go listeners on ":port" behave the same).
ListenAddress anyAddress(std::uint16_t port);

// A bound, listening, non-blocking socket; throws std::system_error (with the errno: EADDRINUSE,
// EACCES, EADDRNOTAVAIL…) when it cannot be had.
int openListeningSocket(const ListenAddress& address, int backlog);

// The port a listening socket is bound to (when it was asked for port 0).
std::uint16_t boundPort(int fd);

}  // namespace kipvs::http
