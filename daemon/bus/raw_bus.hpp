#pragma once

// The sd_bus under an sdbus-c++ 1.2 connection, for what sdbus-c++ 1.2 cannot express: a fallback
// vtable and a node enumerator (one registration for all virtual services instead of one object each).
// sdbus-c++ 1.2 has no accessor for it (createBusConnection(sd_bus*) and friends came in 1.3); every
// sdbus::Message wraps an sd_bus_message*, and sd_bus_message_get_bus() names its bus. So a signal
// message made by an object on the connection yields the connection's sd_bus. The result is checked:
// its unique name must be the connection's.

#include <systemd/sd-bus.h>

#include <memory>

namespace sdbus {
class IObject;
}

namespace kipvs::bus {

struct SdBusUnref {
  void operator()(sd_bus* bus) const { sd_bus_unref(bus); }
};
using SdBusRef = std::unique_ptr<sd_bus, SdBusUnref>;

// `object` must be registered on the connection; `interface`/`signal` name one of its signals (the
// message is built, never sent). Throws std::runtime_error if the bus cannot be recovered.
SdBusRef rawBusOf(sdbus::IObject& object, const char* interface, const char* signal);

}  // namespace kipvs::bus
