#include "bus/raw_bus.hpp"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IObject.h>
#include <sdbus-c++/Message.h>

#include <stdexcept>
#include <string>

namespace kipvs::bus {

namespace {

// sdbus::Message keeps its sd_bus_message* in the protected member msg_. A derived class may name
// that member, and the pointer-to-member it yields applies to any Message (standard C++, no cast of
// the object).
struct MessageAccess : sdbus::Message {
  static void* rawMessage(const sdbus::Message& message) { return message.*(&MessageAccess::msg_); }
};

}  // namespace

SdBusRef rawBusOf(sdbus::IObject& object, const char* interface, const char* signal) {
  const auto message = object.createSignal(interface, signal);
  auto* raw = static_cast<sd_bus_message*>(MessageAccess::rawMessage(message));
  sd_bus* bus = raw != nullptr ? sd_bus_message_get_bus(raw) : nullptr;
  if (bus == nullptr) {
    throw std::runtime_error("cannot reach the sd_bus under the sdbus-c++ connection");
  }
  const char* unique = nullptr;
  if (sd_bus_get_unique_name(bus, &unique) < 0 || unique == nullptr ||
      object.getConnection().getUniqueName() != unique) {
    throw std::runtime_error("the sd_bus found under the sdbus-c++ connection is not its own");
  }
  return SdBusRef(sd_bus_ref(bus));
}

}  // namespace kipvs::bus
