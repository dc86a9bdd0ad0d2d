#pragma once

// The virtual services on D-Bus: /org/kipvs/Proxy1/service/<escaped key> with
// org.kipvs.Proxy1.VirtualService, all served by ONE sd-bus fallback vtable on the prefix plus a node
// enumerator, instead of one sdbus-c++ object per service (~7.7 KiB each in sdbus-c++ 1.2: vtable
// registration, slot, adaptor, property storage). A call to a child path is resolved from the path
// (sd_bus_path_decode → key → Catalog); its properties are computed from the daemon's desired state
// when asked; an unpublished path answers org.freedesktop.DBus.Error.UnknownObject. Introspection,
// Properties.Get/GetAll, GetManagedObjects, busctl tree and the signals are sd-bus's own, as for any
// object. Runs on the thread that processes the connection, like everything in bus/.

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

#include "bus/catalog.hpp"
#include "bus/raw_bus.hpp"
#include "core/control_port.hpp"

namespace kipvs::bus {

class ServiceTree {
 public:
  ServiceTree(SdBusRef bus, const Catalog& catalog, core::ControlPort& control);
  ~ServiceTree();
  ServiceTree(const ServiceTree&) = delete;
  ServiceTree& operator=(const ServiceTree&) = delete;

  // Signals for a service already in (announce, changed) or already out of (retract) the catalog.
  void announce(const std::string& path);                                      // InterfacesAdded
  void retract(const std::string& path);                                       // InterfacesRemoved
  void changed(const std::string& path, std::vector<const char*> properties);  // PropertiesChanged

  // GetStats: the kernel's counters; named bus errors (Unavailable when the kernel has none).
  core::LiveServiceStatus readStatus(const core::VirtualServiceKey& key);

 private:
  static int find(sd_bus* bus, const char* path, const char* interface, void* self, void** found,
                  sd_bus_error* error);
  static int enumerate(sd_bus* bus, const char* prefix, void* self, char*** nodes, sd_bus_error* error);

  SdBusRef bus_;
  const Catalog& catalog_;
  core::ControlPort& control_;
  sd_bus_slot* vtableSlot_ = nullptr;
  sd_bus_slot* enumeratorSlot_ = nullptr;
};

}  // namespace kipvs::bus
