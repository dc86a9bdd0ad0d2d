#pragma once

// The small interfaces (besides IpvsPort) through which the reconciler touches the host. Adaptors
// (host/, app/) implement them; tests fake them. Failures are std::system_error carrying the errno.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "core/protocol.hpp"

namespace kipvs::core {

// Addresses on the kipvs0 dummy link (/32 and /128).
class AddressPort {
 public:
  virtual ~AddressPort() = default;
  virtual std::vector<IpAddress> listAddresses() = 0;
  virtual void addAddress(const IpAddress& address) = 0;     // EEXIST counts as done
  virtual void removeAddress(const IpAddress& address) = 0;  // EADDRNOTAVAIL / ENOENT count as done
};

// Conntrack entries of UDP/SCTP flows, so the next datagram after a backend is removed is scheduled
// again instead of following a stale entry to a dead pod.
class ConntrackPort {
 public:
  virtual ~ConntrackPort() = default;
  // Deletes entries whose original destination is vip:port/protocol and whose reply source is realIp.
  virtual void flush(const IpAddress& vip, std::uint16_t port, Protocol protocol,
                     const IpAddress& realIp) = 0;
};

// Persistent state under /var/lib/kipvs, as text; the adaptor writes atomically (rename).
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> load() = 0;  // nullopt: nothing stored yet
  virtual void save(std::string_view text) = 0;
};

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace kipvs::core
