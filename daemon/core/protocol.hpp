#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

namespace kipvs::core {

// Transport protocols a Service port (and an IPVS virtual service) can carry.
enum class Protocol : std::uint8_t { Tcp, Udp, Sctp };

std::string_view toString(Protocol protocol);             // "TCP", "UDP", "SCTP" (Kubernetes spelling)
std::optional<Protocol> parseProtocol(std::string_view);  // accepts the Kubernetes spelling only
std::uint16_t ipProtocolNumber(Protocol protocol);        // IPPROTO_TCP / _UDP / _SCTP
std::optional<Protocol> fromIpProtocolNumber(std::uint16_t number);

std::ostream& operator<<(std::ostream& out, Protocol protocol);

}  // namespace kipvs::core
