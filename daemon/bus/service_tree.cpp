#include "bus/service_tree.hpp"

#include <sdbus-c++/Error.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>

#include "bus/arguments.hpp"
#include "bus/raw_wire.hpp"
#include "bus/wire.hpp"
#include "dbus/bus_names.hpp"

namespace kipvs::bus {

namespace {

constexpr const char* kInterface = "org.kipvs.Proxy1.VirtualService";

// Exceptions must not cross into sd-bus (C): each callback ends here. Named bus errors keep their
// name; anything else is Error.Failed with what was attempted.
int replyError(sd_bus_error* error, const char* attempted) {
  try {
    throw;
  } catch (const sdbus::Error& e) {
    return sd_bus_error_set(error, e.getName().c_str(), e.getMessage().c_str());
  } catch (const std::exception& e) {
    return sd_bus_error_setf(error, dbus::kErrorFailed, "%s: %s", attempted, e.what());
  }
}

int getProperty(sd_bus* /*bus*/, const char* /*path*/, const char* /*interface*/, const char* property,
                sd_bus_message* reply, void* found, sd_bus_error* error) {
  try {
    const auto& value = *static_cast<const core::DesiredVirtualService*>(found);
    if (!appendProperty(reply, property, value)) {
      return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", property);
    }
    return 1;
  } catch (...) {
    return replyError(error, "reading a virtual service property");
  }
}

// The same flags sdbus-c++ 1.2 gives what xml2cpp generates from dbus/org.kipvs.Proxy1.VirtualService.xml
// (interface and methods unprivileged; EmitsChangedSignal const/true), and its order (methods, then
// properties by name), so introspection and GetAll are unchanged.
constexpr std::uint64_t kConst = SD_BUS_VTABLE_PROPERTY_CONST;
constexpr std::uint64_t kEmits = SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE;

int getStats(sd_bus_message* call, void* found, sd_bus_error* error) {
  const auto& key = static_cast<const core::DesiredVirtualService*>(found)->service.key;
  try {
    // `found` is the service; the registration's userdata is the tree.
    const auto* slot = sd_bus_get_current_slot(sd_bus_message_get_bus(call));
    auto& tree = *static_cast<ServiceTree*>(sd_bus_slot_get_userdata(const_cast<sd_bus_slot*>(slot)));
    const auto status = tree.readStatus(key);
    sd_bus_message* reply = nullptr;
    int rc = sd_bus_message_new_method_return(call, &reply);
    if (rc < 0) {
      throw std::system_error(-rc, std::generic_category(), "sd-bus: a method return");
    }
    const std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(reply,
                                                                                 &sd_bus_message_unref);
    appendStats(reply, status);
    rc = sd_bus_send(nullptr, reply, nullptr);
    if (rc < 0) {
      throw std::system_error(-rc, std::generic_category(), "sd-bus: sending the reply");
    }
    return 1;
  } catch (...) {
    return replyError(error, ("reading kernel counters of " + key.toString()).c_str());
  }
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("GetStats", "", "", "(tttttttttt)a(squuu(tttttttttt))",
                             SD_BUS_PARAM(service) SD_BUS_PARAM(real_servers), getStats,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("Address", "s", getProperty, 0, kConst),
    SD_BUS_PROPERTY("Flags", "as", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Fwmark", "u", getProperty, 0, kConst),
    SD_BUS_PROPERTY("Key", "s", getProperty, 0, kConst),
    SD_BUS_PROPERTY("Kind", "s", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Name", "s", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Namespace", "s", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("PersistenceTimeout", "u", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Port", "q", getProperty, 0, kConst),
    SD_BUS_PROPERTY("PortName", "s", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Problem", "s", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Protocol", "s", getProperty, 0, kConst),
    SD_BUS_PROPERTY("RealServers", "a(sqisssbbbbb)", getProperty, 0, kEmits),
    SD_BUS_PROPERTY("Scheduler", "s", getProperty, 0, kEmits),
    SD_BUS_VTABLE_END};

}  // namespace

ServiceTree::ServiceTree(SdBusRef bus, const Catalog& catalog, core::ControlPort& control)
    : bus_(std::move(bus)), catalog_(catalog), control_(control) {
  int rc = sd_bus_add_fallback_vtable(bus_.get(), &vtableSlot_, dbus::kServicePathPrefix, kInterface, kVtable,
                                      &ServiceTree::find, this);
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(),
                            "sd_bus_add_fallback_vtable(" + std::string(dbus::kServicePathPrefix) + ")");
  }
  rc = sd_bus_add_node_enumerator(bus_.get(), &enumeratorSlot_, dbus::kServicePathPrefix,
                                  &ServiceTree::enumerate, this);
  if (rc < 0) {
    sd_bus_slot_unref(vtableSlot_);
    throw std::system_error(-rc, std::generic_category(),
                            "sd_bus_add_node_enumerator(" + std::string(dbus::kServicePathPrefix) + ")");
  }
}

ServiceTree::~ServiceTree() {
  sd_bus_slot_unref(enumeratorSlot_);
  sd_bus_slot_unref(vtableSlot_);
}

core::LiveServiceStatus ServiceTree::readStatus(const core::VirtualServiceKey& key) {
  std::optional<core::LiveServiceStatus> status;
  try {
    status = control_.readStatus(key);
  } catch (...) {
    rethrowAsBusError("reading kernel counters of " + key.toString());
  }
  if (!status) {
    throw sdbus::Error(dbus::kErrorUnavailable, "the kernel has no virtual service " + key.toString());
  }
  return std::move(*status);
}

int ServiceTree::find(sd_bus* /*bus*/, const char* path, const char* /*interface*/, void* self, void** found,
                      sd_bus_error* error) {
  try {
    char* raw = nullptr;
    const int rc = sd_bus_path_decode(path, dbus::kServicePathPrefix, &raw);
    if (rc <= 0) {
      return rc;  // not below the prefix (the prefix itself, or deeper): no object
    }
    const std::unique_ptr<char, decltype(&std::free)> text(raw, &std::free);
    const auto key = parseKey(text.get());
    // Only the canonical spelling is an object: one path per virtual service.
    if (!key || key->toString() != text.get()) {
      return 0;
    }
    const auto* value = static_cast<const ServiceTree*>(self)->catalog_.find(*key);
    if (value == nullptr) {
      return 0;
    }
    *found = const_cast<core::DesiredVirtualService*>(value);
    return 1;
  } catch (...) {
    return replyError(error, "resolving a virtual service path");
  }
}

int ServiceTree::enumerate(sd_bus* /*bus*/, const char* prefix, void* self, char*** nodes,
                           sd_bus_error* error) {
  const auto& catalog = static_cast<const ServiceTree*>(self)->catalog_;
  // `prefix` is the path whose children sd-bus wants (introspected, or under an ObjectManager). A
  // service has none: without this, introspecting each of N children would list all N (busctl tree
  // of 10,000 services: 10^8 paths).
  const bool belowAService =
      std::string_view(prefix).starts_with(std::string(dbus::kServicePathPrefix) + "/");
  const std::size_t count = belowAService ? 0 : catalog.published.size();
  // sd-bus takes ownership of a NULL-terminated malloc'd array of malloc'd strings.
  auto** list = static_cast<char**>(std::calloc(count + 1, sizeof(char*)));
  if (list == nullptr) {
    return -ENOMEM;
  }
  std::size_t n = 0;
  try {
    for (auto it = catalog.published.begin(); n < count; ++it) {
      list[n] = strdup(servicePath(it->first).c_str());
      if (list[n] == nullptr) {
        throw std::bad_alloc();
      }
      ++n;
    }
  } catch (...) {
    for (std::size_t i = 0; i < n; ++i) {
      std::free(list[i]);
    }
    std::free(list);
    return replyError(error, "listing the virtual service paths");
  }
  *nodes = list;
  return 0;
}

void ServiceTree::announce(const std::string& path) {
  const int rc = sd_bus_emit_interfaces_added(bus_.get(), path.c_str(), kInterface, nullptr);
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(), "InterfacesAdded for " + path);
  }
}

void ServiceTree::retract(const std::string& path) {
  const int rc = sd_bus_emit_interfaces_removed(bus_.get(), path.c_str(), kInterface, nullptr);
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(), "InterfacesRemoved for " + path);
  }
}

void ServiceTree::changed(const std::string& path, std::vector<const char*> properties) {
  properties.push_back(nullptr);
  const int rc = sd_bus_emit_properties_changed_strv(bus_.get(), path.c_str(), kInterface,
                                                     const_cast<char**>(properties.data()));
  if (rc < 0) {
    throw std::system_error(-rc, std::generic_category(), "PropertiesChanged for " + path);
  }
}

}  // namespace kipvs::bus
