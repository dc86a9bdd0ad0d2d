#pragma once

// ControlPort fake: records what the bus asked, answers with known values.

#include <mutex>
#include <vector>

#include "core/control_port.hpp"

namespace kipvs::test {

class FakeControl final : public core::ControlPort {
 public:
  struct Calls {
    int resyncs = 0;
    std::vector<core::DrainTarget> drains;
    std::vector<core::DrainTarget> undrains;
    std::vector<log::Level> logLevels;
    int reloads = 0;
  };

  void requestResync() override {
    const std::lock_guard lock(mutex_);
    ++calls_.resyncs;
  }
  std::uint32_t drain(const core::DrainTarget& target) override {
    const std::lock_guard lock(mutex_);
    calls_.drains.push_back(target);
    if (target.scope == core::DrainTarget::Scope::Service && target.service &&
        target.service->name == "missing") {
      throw core::ControlError(core::ControlError::Code::NotFound,
                               "no Service " + target.service->toString());
    }
    return 2;
  }
  std::uint32_t undrain(const core::DrainTarget& target) override {
    const std::lock_guard lock(mutex_);
    calls_.undrains.push_back(target);
    return 1;
  }
  void setLogLevel(log::Level level) override {
    const std::lock_guard lock(mutex_);
    calls_.logLevels.push_back(level);
  }
  // Refused while setReloadRefused(reason); else reports one restart-only key.
  std::vector<std::string> reload() override {
    const std::lock_guard lock(mutex_);
    ++calls_.reloads;
    if (!reloadRefusal_.empty()) {
      throw core::ControlError(core::ControlError::Code::InvalidArgument, reloadRefusal_);
    }
    return {"kubeconfig: \"/a\" -> \"/b\" needs a restart"};
  }
  void setReloadRefused(std::string reason) {
    const std::lock_guard lock(mutex_);
    reloadRefusal_ = std::move(reason);
  }
  std::optional<core::Explanation> explain(const core::VirtualServiceKey& key) override;
  std::optional<core::LiveServiceStatus> readStatus(const core::VirtualServiceKey& key) override;
  std::map<core::VirtualServiceKey, core::IpvsStats> readAllStats() override;
  std::vector<core::PlannedChange> plan() override {
    const std::lock_guard lock(mutex_);
    if (kernelUnavailable_) {
      throw core::ControlError(core::ControlError::Code::Unavailable, "reading the kernel: no IPVS");
    }
    return {{.area = "ipvs", .change = "delete-service TCP 10.96.0.99:80"},
            {.area = "kipvs0", .change = "add 10.96.0.10"}};
  }

  Calls calls() const {
    const std::lock_guard lock(mutex_);
    return calls_;
  }
  void setKernelUnavailable(bool unavailable) {
    const std::lock_guard lock(mutex_);
    kernelUnavailable_ = unavailable;
  }

 private:
  mutable std::mutex mutex_;
  Calls calls_;
  bool kernelUnavailable_ = false;
  std::string reloadRefusal_;
};

}  // namespace kipvs::test
