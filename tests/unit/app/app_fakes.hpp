#pragma once

// Fakes of the daemon's host ports besides the reconciler's (tests/unit/core/fakes.hpp), and a recorder
// of what systemd would be told.

#include <stdexcept>
#include <string>
#include <vector>

#include "../core/core_fixtures.hpp"
#include "app/status_line.hpp"
#include "core/host_ports.hpp"

namespace kipvs::app::testing {

class FakeFirewall final : public core::FirewallPort {
 public:
  std::vector<core::FirewallSpec> specs;    // every whole spec applied
  std::vector<core::FirewallDelta> deltas;  // every element update
  bool failUpdate = false;

  void apply(const core::FirewallSpec& spec) override { specs.push_back(spec); }
  void update(const core::FirewallDelta& delta) override {
    if (failUpdate) {
      throw std::runtime_error("nft refused");
    }
    deltas.push_back(delta);
  }
};

class FakeNodeAddresses final : public core::NodeAddressPort {
 public:
  std::vector<core::IpAddress> addresses{core::testing::ip("192.168.1.10")};
  std::vector<core::IpAddress> localAddresses() override { return addresses; }
};

class FakeForwarding final : public core::ForwardingPort {
 public:
  int enables = 0;
  void enableIpv6Forwarding() override { ++enables; }
};

// READY=1 and STATUS= lines as systemd would receive them.
class RecordedAnnouncements final : public StatusAnnouncements {
 public:
  std::vector<std::string> readyLines;
  std::vector<std::string> statusLines;
  void ready(const std::string& line) override { readyLines.push_back(line); }
  void status(const std::string& line) override { statusLines.push_back(line); }
};

}  // namespace kipvs::app::testing
