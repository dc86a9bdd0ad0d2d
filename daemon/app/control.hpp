#pragma once

// What D-Bus callers may ask of kipvsd (core::ControlPort), answered from the daemon's state and one
// kernel read where needed.

#include <chrono>
#include <functional>
#include <optional>

#include "app/daemon.hpp"
#include "core/control_port.hpp"

namespace kipvs::app {

// Folds one drain request into `drains`; returns how many real servers of `desired` it covers.
// Throws ControlError(NotFound) when it covers nothing (a typo must not look like success).
std::uint32_t foldDrain(core::Drains& drains, const core::DrainTarget& target,
                        const core::DesiredState& desired, bool drain);

class DaemonControl final : public core::ControlPort {
 public:
  // kipvs0: where Plan reads the VIPs bound now (null: address changes are not listed).
  DaemonControl(Daemon& daemon, core::IpvsPort& ipvs, const core::Clock& clock,
                core::AddressPort* kipvs0 = nullptr)
      : daemon_(daemon), ipvs_(ipvs), clock_(clock), kipvs0_(kipvs0) {}

  void requestResync() override { daemon_.requestResync(); }
  std::uint32_t drain(const core::DrainTarget& target) override;
  std::uint32_t undrain(const core::DrainTarget& target) override;
  void setLogLevel(log::Level level) override;
  std::vector<std::string> reload() override;
  void setReload(std::function<std::vector<std::string>()> reload) { reload_ = std::move(reload); }
  std::optional<core::Explanation> explain(const core::VirtualServiceKey& key) override;
  std::optional<core::LiveServiceStatus> readStatus(const core::VirtualServiceKey& key) override;
  std::map<core::VirtualServiceKey, core::IpvsStats> readAllStats() override;
  std::vector<core::PlannedChange> plan() override;

 private:
  Daemon& daemon_;
  core::IpvsPort& ipvs_;
  std::function<std::vector<std::string>()> reload_;
  const core::Clock& clock_;
  core::AddressPort* kipvs0_;
  // One kernel dump serves every stats call within a second (monitoring agents poll all services).
  std::optional<core::Clock::TimePoint> statsReadAt_;
  std::map<core::VirtualServiceKey, core::IpvsStats> statsCache_;
};

// The agent status the bus shows, derived from the daemon's.
core::AgentStatus agentStatusOf(const Daemon& daemon);

}  // namespace kipvs::app
