#include "app/bus_view.hpp"

#include "app/control.hpp"

namespace kipvs::app {

std::string BusView::synced(const AppliedSync& sync) {
  publisher_.publish(sync.desired, {.finishedUsec = sync.finishedUsec,
                                    .durationUsec = static_cast<std::uint64_t>(sync.duration.count()),
                                    .failedOps = static_cast<std::uint32_t>(sync.report.failures.size())});
  return {};
}

void BusView::statusChanged(const DaemonStatus& /*status*/) {
  publisher_.setStatus(agentStatusOf(daemon_));
}

}  // namespace kipvs::app
