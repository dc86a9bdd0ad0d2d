#include "app/bus_view.hpp"

#include "app/control.hpp"

namespace kipvs::app {

std::string BusView::synced(const AppliedSync& sync) {
  // After an incremental sync only the touched services can differ: the publish costs the change.
  publisher_.publish(sync.desired,
                     {.finishedUsec = sync.finishedUsec,
                      .durationUsec = static_cast<std::uint64_t>(sync.duration.count()),
                      .failedOps = static_cast<std::uint32_t>(sync.report.failures.size())},
                     sync.full ? nullptr : &sync.report.touched);
  return {};
}

void BusView::statusChanged(const DaemonStatus& /*status*/) {
  publisher_.setStatus(agentStatusOf(daemon_));
}

}  // namespace kipvs::app
