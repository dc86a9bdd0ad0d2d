#include "core/protocol.hpp"

#include <netinet/in.h>

namespace kipvs::core {

std::string_view toString(Protocol protocol) {
  switch (protocol) {
    case Protocol::Tcp:
      return "TCP";
    case Protocol::Udp:
      return "UDP";
    case Protocol::Sctp:
      return "SCTP";
  }
  return "?";
}

std::optional<Protocol> parseProtocol(std::string_view text) {
  for (const auto protocol : {Protocol::Tcp, Protocol::Udp, Protocol::Sctp}) {
    if (text == toString(protocol)) {
      return protocol;
    }
  }
  return std::nullopt;
}

std::uint16_t ipProtocolNumber(Protocol protocol) {
  switch (protocol) {
    case Protocol::Tcp:
      return IPPROTO_TCP;
    case Protocol::Udp:
      return IPPROTO_UDP;
    case Protocol::Sctp:
      return IPPROTO_SCTP;
  }
  return 0;
}

std::optional<Protocol> fromIpProtocolNumber(std::uint16_t number) {
  switch (number) {
    case IPPROTO_TCP:
      return Protocol::Tcp;
    case IPPROTO_UDP:
      return Protocol::Udp;
    case IPPROTO_SCTP:
      return Protocol::Sctp;
    default:
      return std::nullopt;
  }
}

std::ostream& operator<<(std::ostream& out, Protocol protocol) {
  return out << toString(protocol);
}

}  // namespace kipvs::core
