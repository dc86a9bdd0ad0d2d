#include "core/ipvs_model.hpp"

#include <sstream>

namespace kipvs::core {

std::string_view toString(ForwardMethod method) {
  switch (method) {
    case ForwardMethod::Masquerade:
      return "Masq";
    case ForwardMethod::Local:
      return "Local";
    case ForwardMethod::Tunnel:
      return "Tunnel";
    case ForwardMethod::DirectRoute:
      return "Route";
    case ForwardMethod::Bypass:
      return "Bypass";
  }
  return "?";
}

std::string VirtualServiceKey::toString() const {
  std::ostringstream out;
  if (fwmark != 0) {
    out << "FWM " << fwmark << ' ' << core::toString(family);
  } else if (family == IpFamily::V6) {
    out << protocol << " [" << address << "]:" << port;
  } else {
    out << protocol << ' ' << address << ':' << port;
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const VirtualServiceKey& key) {
  return out << key.toString();
}

std::ostream& operator<<(std::ostream& out, const VirtualService& service) {
  out << service.key << ' ' << service.scheduler << " flags=0x" << std::hex << service.flags << std::dec;
  if ((service.flags & svc_flags::kPersistent) != 0) {
    out << " persistent " << service.timeout;
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, const RealServer& server) {
  if (server.address.family() == IpFamily::V6) {
    out << '[' << server.address << "]:" << server.port;
  } else {
    out << server.address << ':' << server.port;
  }
  return out << ' ' << toString(server.forward) << " w=" << server.weight;
}

}  // namespace kipvs::core
