#pragma once

// Which Kubernetes Events kipvsd's own work calls for: one Warning on a Service when a sync finds it
// cannot be programmed as asked (an unknown scheduler, an address it cannot use, two Services deriving
// the same virtual service…), at the moment the problem appears; and the Normal "Starting" on the Node
// that kube-proxy records at start (cmd/kube-proxy/app/server.go). Pure: it compares the problems of
// one sync with the last ones; the EventSink sends, folds repeats into series and rate-limits.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "k8s/event_series.hpp"

namespace kipvs::app {

class ProblemEvents {
 public:
  // The notes for problems that were not there after the previous sync.
  std::vector<k8s::EventNote> afterSync(const core::DesiredState& desired,
                                        const core::ClusterSnapshot& snapshot);

 private:
  std::map<core::ObjectKey, std::set<std::string>> previous_;
};

// UpperCamelCase reason for a problem sentence of the core ("UnknownScheduler", "ImpossibleAddress"…).
std::string problemReason(const std::string& problem);

// kube-proxy's start Event on its Node: reason "Starting", the Node referenced by name (and the name as
// UID, as kube-proxy does before it has read the Node).
k8s::EventNote nodeStarting(const std::string& nodeName, const std::string& version);

}  // namespace kipvs::app
