#pragma once

// Decoding of D-Bus method arguments into core values. Malformed input throws a named sdbus::Error
// (org.kipvs.Proxy1.Error.InvalidArgument) carrying what was wrong; nothing here can crash on input.

#include <optional>
#include <string>
#include <string_view>

#include "core/control_port.hpp"
#include "core/ipvs_model.hpp"

namespace kipvs::bus {

// Parses the key spelling of VirtualServiceKey::toString(): "TCP 10.0.0.1:80", "UDP [fd00::1]:53",
// "FWM 7 IPv4". nullopt when malformed.
std::optional<core::VirtualServiceKey> parseKey(std::string_view text);

// Throwing variants used by the method handlers.
core::VirtualServiceKey requireKey(std::string_view text);
core::VirtualServiceKey requireEndpointKey(std::string_view address, std::uint16_t port,
                                           std::string_view protocol);
core::DrainTarget requireDrainTarget(std::string_view scope, std::string_view target);
log::Level requireLogLevel(std::string_view level);

// Maps a ControlError to its named D-Bus error and rethrows; other exceptions become Error.Failed
// with the attempted action in the message.
[[noreturn]] void rethrowAsBusError(std::string_view attempted);

}  // namespace kipvs::bus
