#include "app/firewall_sync.hpp"

#include "core/log.hpp"

namespace kipvs::app {

std::string FirewallSync::synced(const AppliedSync& sync) {
  core::FirewallDelta delta;
  if (sync.full) {
    deriver_.reset(sync.desired, sync.node);
  } else {
    delta = deriver_.update(sync.desired, sync.report.touched);
    if (current_ && delta.empty()) {
      return {};
    }
  }
  try {
    if (!sync.full && current_) {
      firewall_.update(delta);  // a few set elements
    } else {
      auto spec = deriver_.spec();
      spec.masqueradeAll = config_.masqueradeAll;
      firewall_.apply(spec);  // the firewall diffs it against what it holds
    }
    current_ = true;
    return {};
  } catch (const std::exception& error) {
    current_ = false;  // the next sync applies the whole spec again
    auto message = std::string("firewall: ") + error.what();
    log::error(message);
    return message;
  }
}

}  // namespace kipvs::app
