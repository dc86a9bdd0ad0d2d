#include "bus/arguments.hpp"

#include <sdbus-c++/Error.h>

#include <charconv>
#include <exception>

#include "dbus/bus_names.hpp"

namespace kipvs::bus {

namespace {

[[noreturn]] void invalid(const std::string& what) {
  throw sdbus::Error(dbus::kErrorInvalidArgument, what);
}

template <typename T>
std::optional<T> parseNumber(std::string_view text) {
  T value{};
  if (text.empty()) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// "10.0.0.1:80" / "[fd00::1]:80" → address, port. requirePort=false also accepts a bare address.
std::optional<std::pair<core::IpAddress, std::uint16_t>> parseHostPort(std::string_view text,
                                                                       bool requirePort) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return std::nullopt;
      }
      port = rest.substr(1);
      if (port.empty()) {
        return std::nullopt;
      }
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos && text.find(':') == colon) {
    host = text.substr(0, colon);  // exactly one colon: IPv4 with a port
    port = text.substr(colon + 1);
    if (port.empty()) {
      return std::nullopt;
    }
  }
  const auto address = core::IpAddress::parse(host);
  if (!address) {
    return std::nullopt;
  }
  if (port.empty()) {
    if (requirePort) {
      return std::nullopt;
    }
    return std::pair{*address, std::uint16_t{0}};
  }
  const auto number = parseNumber<std::uint16_t>(port);
  if (!number || *number == 0) {
    return std::nullopt;
  }
  return std::pair{*address, *number};
}

}  // namespace

std::optional<core::VirtualServiceKey> parseKey(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const auto head = text.substr(0, space);
  const auto rest = text.substr(space + 1);
  core::VirtualServiceKey key;
  if (head == "FWM") {
    const auto space2 = rest.find(' ');
    if (space2 == std::string_view::npos) {
      return std::nullopt;
    }
    const auto mark = parseNumber<std::uint32_t>(rest.substr(0, space2));
    const auto family = rest.substr(space2 + 1);
    if (!mark || *mark == 0) {
      return std::nullopt;
    }
    if (family == core::toString(core::IpFamily::V4)) {
      key.family = core::IpFamily::V4;
    } else if (family == core::toString(core::IpFamily::V6)) {
      key.family = core::IpFamily::V6;
      key.address = *core::IpAddress::parse("::");
    } else {
      return std::nullopt;
    }
    key.fwmark = *mark;
    return key;
  }
  const auto protocol = core::parseProtocol(head);
  const auto hostPort = parseHostPort(rest, true);
  if (!protocol || !hostPort) {
    return std::nullopt;
  }
  key.protocol = *protocol;
  key.address = hostPort->first;
  key.family = key.address.family();
  key.port = hostPort->second;
  if (key.toString() != text) {
    return std::nullopt;  // only the canonical spelling names an object
  }
  return key;
}

core::VirtualServiceKey requireKey(std::string_view text) {
  auto key = parseKey(text);
  if (!key) {
    invalid("malformed virtual service key '" + std::string(text) + "' (expected e.g. 'TCP 10.96.0.1:443')");
  }
  return *key;
}

core::VirtualServiceKey requireEndpointKey(std::string_view address, std::uint16_t port,
                                           std::string_view protocol) {
  const auto ip = core::IpAddress::parse(address);
  if (!ip) {
    invalid("malformed address '" + std::string(address) + "'");
  }
  const auto proto = core::parseProtocol(protocol);
  if (!proto) {
    invalid("unknown protocol '" + std::string(protocol) + "' (TCP, UDP or SCTP)");
  }
  if (port == 0) {
    invalid("port 0 names no virtual service");
  }
  return core::VirtualServiceKey{.family = ip->family(), .protocol = *proto, .address = *ip, .port = port};
}

core::DrainTarget requireDrainTarget(std::string_view scope, std::string_view target) {
  core::DrainTarget out;
  if (scope == "node") {
    if (!target.empty()) {
      invalid("scope 'node' takes an empty target (this node)");
    }
    out.scope = core::DrainTarget::Scope::Node;
    return out;
  }
  if (scope == "service") {
    out.scope = core::DrainTarget::Scope::Service;
    if (auto key = parseKey(target)) {
      out.virtualKey = *key;
      return out;
    }
    const auto slash = target.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == target.size()) {
      invalid("service target '" + std::string(target) + "' is neither 'ns/name[:port]' nor a key");
    }
    auto name = target.substr(slash + 1);
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
      out.portName = std::string(name.substr(colon + 1));
      name = name.substr(0, colon);
      if (name.empty() || out.portName->empty()) {
        invalid("malformed service target '" + std::string(target) + "'");
      }
    }
    if (name.find('/') != std::string_view::npos) {
      invalid("malformed service target '" + std::string(target) + "'");
    }
    out.service = core::ObjectKey{std::string(target.substr(0, slash)), std::string(name)};
    return out;
  }
  if (scope == "endpoint") {
    const auto address = core::IpAddress::parse(target);
    if (!address) {
      invalid("endpoint target '" + std::string(target) + "' is not an address");
    }
    out.scope = core::DrainTarget::Scope::Endpoint;
    out.address = *address;
    return out;
  }
  invalid("unknown drain scope '" + std::string(scope) + "' (node, service or endpoint)");
}

log::Level requireLogLevel(std::string_view level) {
  if (const auto parsed = log::parseLevel(level)) {
    return *parsed;
  }
  invalid("unknown log level '" + std::string(level) + "' (error, warning, notice, info, debug)");
}

void rethrowAsBusError(std::string_view attempted) {
  try {
    throw;
  } catch (const sdbus::Error&) {
    throw;
  } catch (const core::ControlError& e) {
    switch (e.code()) {
      case core::ControlError::Code::NotFound:
        throw sdbus::Error(dbus::kErrorNotFound, e.what());
      case core::ControlError::Code::InvalidArgument:
        throw sdbus::Error(dbus::kErrorInvalidArgument, e.what());
      case core::ControlError::Code::Unavailable:
        throw sdbus::Error(dbus::kErrorUnavailable, e.what());
    }
    throw sdbus::Error(dbus::kErrorFailed, e.what());
  } catch (const std::exception& e) {
    throw sdbus::Error(dbus::kErrorFailed, std::string(attempted) + ": " + e.what());
  }
}

}  // namespace kipvs::bus
