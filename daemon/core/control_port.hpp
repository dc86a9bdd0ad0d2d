#pragma once

// What the outside (the D-Bus API) may ask of the daemon beyond reading the published state: the
// port the daemon implements and the bus adaptor calls. Plain values only; tests use a fake.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "core/ipvs_model.hpp"
#include "core/log.hpp"

namespace kipvs::core {

// A request the daemon refuses, with a reason the caller can act on. The bus maps the code to a
// named D-Bus error.
class ControlError : public std::runtime_error {
 public:
  enum class Code : std::uint8_t { NotFound, InvalidArgument, Unavailable };
  ControlError(Code code, const std::string& what) : std::runtime_error(what), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

// What an operator drain applies to (the daemon folds it into core::Drains).
struct DrainTarget {
  enum class Scope : std::uint8_t { Node, Service, Endpoint };
  Scope scope = Scope::Node;
  std::optional<ObjectKey> service;             // Service scope by name ...
  std::optional<std::string> portName;          // ... optionally one port of it
  std::optional<VirtualServiceKey> virtualKey;  // Service scope by key
  std::optional<IpAddress> address;             // Endpoint scope: every real server with this address

  bool operator==(const DrainTarget&) const = default;
};

// One endpoint of a Service and why it is (or is not) a real server of the virtual service.
struct ExplainedEndpoint {
  IpAddress address;
  std::uint16_t port = 0;
  std::string pod;
  std::string node;
  bool included = false;
  std::string reason;  // "ready", "not ready", "terminating fallback", "drained by operator", ...

  bool operator==(const ExplainedEndpoint&) const = default;
};

struct Explanation {
  VirtualServiceKey key;
  std::string summary;
  std::vector<ExplainedEndpoint> endpoints;  // from EndpointDecision: isUsed(), toString(verdict)

  bool operator==(const Explanation&) const = default;
};

// Kernel counters of one virtual service and its real servers.
struct LiveServiceStatus {
  IpvsStats stats;
  std::vector<RealServerStatus> reals;

  bool operator==(const LiveServiceStatus&) const = default;
};

enum class SyncState : std::uint8_t { Starting, Synced, Degraded, Stale };

inline std::string_view toString(SyncState state) {
  switch (state) {
    case SyncState::Starting:
      return "starting";
    case SyncState::Synced:
      return "synced";
    case SyncState::Degraded:
      return "degraded";
    case SyncState::Stale:
      return "stale";
  }
  return "?";
}

// Daemon status shown on the bus next to the desired state.
struct AgentStatus {
  std::string nodeName;
  std::string source = "kubernetes";  // or "static"
  std::string apiServer;
  bool connected = false;
  SyncState syncState = SyncState::Starting;
  std::string lastError;
  std::string resourceVersion;

  bool operator==(const AgentStatus&) const = default;
};

// The outcome of applying one plan, published with the state it produced.
struct SyncSummary {
  std::uint64_t finishedUsec = 0;  // CLOCK_REALTIME
  std::uint64_t durationUsec = 0;
  std::uint32_t failedOps = 0;
};

// One change a sync (or `kipvsd --plan`) would make: where ("ipvs", "kipvs0", "nft", "kube-ipvs0",
// "iptables-nft nat", "ipset", "record", ...) and what, as one line.
struct PlannedChange {
  std::string area;
  std::string change;

  bool operator==(const PlannedChange&) const = default;
};

// Implemented by the daemon, called from its event loop. Calls must return quickly: kernel reads are
// single netlink dumps (or served from a cache a second old); Resync only schedules work.
class ControlPort {
 public:
  virtual ~ControlPort() = default;

  virtual void requestResync() = 0;
  // Returns the number of real servers the call drained / released; throws ControlError(NotFound).
  virtual std::uint32_t drain(const DrainTarget& target) = 0;
  virtual std::uint32_t undrain(const DrainTarget& target) = 0;
  virtual void setLogLevel(log::Level level) = 0;
  // Re-reads the configuration and applies it. Returns one note per changed key that needs a restart
  // (kept at its running value); throws ControlError(InvalidArgument) with the reasons when refused.
  virtual std::vector<std::string> reload() = 0;
  // nullopt when no published virtual service has this key.
  virtual std::optional<Explanation> explain(const VirtualServiceKey& key) = 0;
  // Throws ControlError(Unavailable) when the kernel cannot be read; nullopt when it lacks the service.
  virtual std::optional<LiveServiceStatus> readStatus(const VirtualServiceKey& key) = 0;
  virtual std::map<VirtualServiceKey, IpvsStats> readAllStats() = 0;
  // What a full sync would change now (IPVS and kipvs0), changing nothing. Throws
  // ControlError(Unavailable) when the kernel cannot be read.
  virtual std::vector<PlannedChange> plan() = 0;
};

}  // namespace kipvs::core
