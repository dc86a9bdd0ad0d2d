#pragma once

// Merges per-Service contributions into one DesiredState, incrementally. When two Services claim the
// same virtual service key, the smaller namespace/name wins (deterministic whatever the event order),
// the other gets a problem, and it takes over when the winner goes away. An address stays bound on
// kipvs0 while any winning virtual service needs it (a shared externalIP survives one of its Services).

#include <map>
#include <set>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_state.hpp"
#include "core/node_context.hpp"

namespace kipvs::core {

class DesiredBuilder {
 public:
  // Replaces the contribution of `contribution.key`. Returns every virtual service key whose desired
  // entry may have changed (the old and the new keys of that Service).
  std::set<VirtualServiceKey> set(ServiceDesired contribution);
  std::set<VirtualServiceKey> erase(const ObjectKey& key);

  const DesiredState& state() const { return state_; }
  bool contains(const ObjectKey& key) const { return contributions_.contains(key); }
  std::vector<ObjectKey> serviceKeys() const;

 private:
  struct Contribution {
    std::vector<VirtualServiceKey> keys{};
    std::vector<std::string> problems{};
    std::uint16_t healthCheckNodePort = 0;
  };

  void insert(const ObjectKey& owner, DesiredVirtualService service);
  void remove(const ObjectKey& owner, const VirtualServiceKey& key);
  void bind(const DesiredVirtualService& service, int delta);
  void refreshProblems(const ObjectKey& owner);

  std::map<ObjectKey, Contribution> contributions_;
  // Losing claims, kept so they can take over: key → (owner → its virtual service).
  std::map<VirtualServiceKey, std::map<ObjectKey, DesiredVirtualService>> shadowed_;
  std::map<IpAddress, int> bindCount_;
  DesiredState state_;
};

// The whole desired state of a snapshot. `node.zone` defaults to the Node object's zone label.
DesiredState computeDesired(const ClusterSnapshot& snapshot, const NodeContext& node);

// The node context with its zone filled from the snapshot's Node when the caller left it empty.
NodeContext withSnapshotDefaults(NodeContext node, const ClusterSnapshot& snapshot);

}  // namespace kipvs::core
