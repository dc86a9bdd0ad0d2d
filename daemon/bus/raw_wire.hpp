#pragma once

// The VirtualService values in raw sd-bus messages (the fallback vtable has no sdbus-c++ serializer):
// the same signatures as wire.hpp's sdbus-c++ types, written field by field. Each throws
// std::system_error naming what it appended when sd-bus refuses.

#include <systemd/sd-bus.h>

#include "core/control_port.hpp"
#include "core/desired_state.hpp"

namespace kipvs::bus {

// One org.kipvs.Proxy1.VirtualService property of `value` (its bare value, as a getter appends it).
// Returns false for a name the interface does not have.
bool appendProperty(sd_bus_message* reply, const char* property, const core::DesiredVirtualService& value);

// GetStats's reply body: (tttttttttt)a(squuu(tttttttttt)).
void appendStats(sd_bus_message* reply, const core::LiveServiceStatus& status);

}  // namespace kipvs::bus
