#pragma once

// The `kipvs0` dummy link that carries every service VIP (kube-proxy's kube-ipvs0): IPVS only sees
// packets to local addresses. The link is created if missing and never set UP (it stays DOWN and NOARP, so
// it answers no ARP and routes nothing); only its own addresses are ever added or removed.

#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/ports.hpp"
#include "host/netlink_util.hpp"

namespace kipvs::host {

inline constexpr std::string_view kDummyLinkName = "kipvs0";

class DummyLink final : public core::AddressPort {
 public:
  explicit DummyLink(std::string name = std::string(kDummyLinkName));

  // Creates the dummy link when missing; returns its ifindex. Throws std::system_error when a link of that
  // name exists but is not a dummy (it is not ours), or when netlink fails.
  int ensure();

  // The addresses on the link (any family), sorted; empty when the link does not exist.
  std::vector<core::IpAddress> addresses();

  // Adds `address` as /32 or /128; already present is fine. Creates the link first when it is missing
  // (also when someone deleted it since: drift is repaired).
  void add(const core::IpAddress& address);
  // Removes `address` from this link only; already absent is fine.
  void remove(const core::IpAddress& address);

  // True when the link exists (a link of that name that is not a dummy throws, as in ensure()).
  bool exists() { return ifindex() != 0; }
  // Deletes the link with every address on it; already gone is fine.
  void destroy();

  const std::string& name() const { return name_; }

  // core::AddressPort
  std::vector<core::IpAddress> listAddresses() override { return addresses(); }
  void addAddress(const core::IpAddress& address) override { add(address); }
  void removeAddress(const core::IpAddress& address) override { remove(address); }

 private:
  int ifindex();  // the link's ifindex, or 0 when it does not exist

  std::string name_;
  NlSocket sock_;
  int ifindex_ = 0;
};

}  // namespace kipvs::host
