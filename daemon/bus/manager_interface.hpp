#pragma once

// org.kipvs.Proxy1.Manager as sdbus-c++-xml2cpp generates it from dbus/org.kipvs.Proxy1.Manager.xml
// (build-ci/dbus/gen/dbus/manager_adaptor.h), member for member and with the same flags, except one:
// ListVirtualServices is registered with a raw MethodCall handler, so that the reply is written
// entry by entry into the message instead of first building the whole table as a vector (at 10,000
// services × 10 real servers that vector doubled the 22 MB reply: 71 MiB of peak per call).
// bus_tools_test checks every member of the XML against introspection, so the two cannot drift apart.

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "bus/wire.hpp"

namespace kipvs::bus {

class ManagerInterface {
 public:
  // Names as sdbus-c++-xml2cpp generates them (the D-Bus member names), not our style.
  // NOLINTBEGIN(readability-identifier-naming)
  static constexpr const char* INTERFACE_NAME = "org.kipvs.Proxy1.Manager";

 protected:
  explicit ManagerInterface(sdbus::IObject& object);
  ~ManagerInterface() = default;
  ManagerInterface(const ManagerInterface&) = delete;
  ManagerInterface& operator=(const ManagerInterface&) = delete;

  void emitSyncCompleted(std::uint64_t finishedUsec, std::uint64_t durationUsec, std::uint32_t added,
                         std::uint32_t removed, std::uint32_t changed, std::uint32_t failed);
  void emitServiceChanged(const sdbus::ObjectPath& path, const std::string& key, const std::string& change);

 private:
  // Must reply itself (call.createReply(), append a(osssssssqusasusa(sqisssbbbbb)), send()).
  virtual void ListVirtualServices(sdbus::MethodCall call) = 0;
  virtual ServiceEntryWire GetVirtualService(const std::string& key) = 0;
  virtual std::vector<sdbus::Struct<std::string, StatsWire>> GetStatistics() = 0;
  virtual std::tuple<std::string, std::string, std::vector<VerdictWire>> Explain(
      const std::string& address, const std::uint16_t& port, const std::string& protocol) = 0;
  virtual std::vector<sdbus::Struct<std::string, std::string>> Plan() = 0;
  virtual void Resync() = 0;
  virtual std::uint32_t Drain(const std::string& scope, const std::string& target) = 0;
  virtual std::uint32_t Undrain(const std::string& scope, const std::string& target) = 0;
  virtual void SetLogLevel(const std::string& level) = 0;
  virtual std::vector<std::string> Reload() = 0;

  virtual std::string Version() = 0;
  virtual std::string NodeName() = 0;
  virtual std::string Source() = 0;
  virtual std::string ApiServer() = 0;
  virtual bool Connected() = 0;
  virtual std::string SyncState() = 0;
  virtual std::uint64_t LastSyncUsec() = 0;
  virtual std::string LastError() = 0;
  virtual std::uint32_t VirtualServiceCount() = 0;
  virtual std::uint32_t RealServerCount() = 0;
  virtual std::string ResourceVersion() = 0;
  // NOLINTEND(readability-identifier-naming)

  sdbus::IObject& object_;
};

}  // namespace kipvs::bus
