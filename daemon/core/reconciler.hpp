#pragma once

// Applies desired state to the node through the ports, incrementally. It decides no semantics
// (computeService/diff/GracefulTermination do); it keeps what it last applied, so an event touching
// one Service costs only that Service's netlink operations.
//
// Rules it enforces: never flushes; never deletes a virtual service it does not own (owned = created
// or adopted by kipvs, persisted through StateStore); a failed operation is reported and retried by
// the next sync, never hidden.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/cluster.hpp"
#include "core/desired_builder.hpp"
#include "core/diff.hpp"
#include "core/graceful.hpp"
#include "core/ipvs_port.hpp"
#include "core/node_context.hpp"
#include "core/ports.hpp"

namespace kipvs::core {

struct ReconcilerOptions {
  // How long a removed TCP real server may keep draining; 0 = until its connections end (kube-proxy).
  std::chrono::seconds gracefulDeadline{900};
};

struct OpFailure {
  IpvsOp op;
  int error = 0;  // errno
  bool operator==(const OpFailure&) const = default;
};

struct ReconcileReport {
  std::size_t servicesRecomputed = 0;
  std::size_t opsApplied = 0;
  std::vector<OpFailure> failures;
  std::size_t addressesAdded = 0;
  std::size_t addressesRemoved = 0;
  std::size_t conntrackFlushes = 0;
  std::vector<std::string> errors;  // address, conntrack and state-store failures, one sentence each
  // Virtual service keys whose desired entry may have changed (incremental syncs; for the firewall).
  std::set<VirtualServiceKey> touched;

  bool ok() const { return failures.empty() && errors.empty(); }
};

struct AdoptionReport {
  std::size_t kernelServices = 0;  // virtual services found in the kernel
  std::size_t adopted = 0;         // of which kipvs's (state file or VIP on kipvs0)
  std::vector<std::string> errors;
};

class Reconciler {
 public:
  Reconciler(IpvsPort& ipvs, AddressPort& addresses, ConntrackPort& conntrack, StateStore& store,
             const Clock& clock, NodeContext node, ReconcilerOptions options = {});

  // Reads the kernel (virtual services, real servers, kipvs0 addresses) and the ownership record,
  // and adopts what is kipvs's. Writes nothing: traffic keeps flowing as it was.
  AdoptionReport start();

  // Recomputes these Services from `snapshot` (a key absent from it was deleted) and applies only
  // what changed. Requires a previous fullSync().
  ReconcileReport syncServices(const ClusterSnapshot& snapshot, const std::set<ObjectKey>& keys);

  // Re-reads the kernel and kipvs0, recomputes every Service, repairs drift, reaps terminating reals.
  ReconcileReport fullSync(const ClusterSnapshot& snapshot);

  // Deletes terminating TCP real servers whose connections ended or whose deadline passed.
  ReconcileReport reapTerminating();

  // Takeover from kube-proxy: takes these kernel virtual services as kipvs's own and records, at once,
  // that a takeover is pending (so a restart finishes it). The next fullSync() reconciles them in place
  // and deletes those no Service wants. Keys not in the kernel are ignored.
  void adoptForTakeover(const std::set<VirtualServiceKey>& keys, std::vector<std::string>& errors);
  // The takeover is complete: the pending mark leaves the record (saved at once).
  void finishTakeover(std::vector<std::string>& errors);
  bool takeoverPending() const { return takeoverPending_; }

  // New node facts (addresses, drains, scheduler …); takes effect with the next fullSync().
  void setNodeContext(NodeContext node) { node_ = std::move(node); }

  const DesiredState& desired() const { return builder_.state(); }
  const ObservedState& applied() const { return kernel_; }  // the kernel as kipvs last saw or made it
  const std::set<VirtualServiceKey>& owned() const { return owned_; }
  std::size_t terminatingCount() const { return graceful_.size(); }

 private:
  void readKernel(std::vector<std::string>& errors);
  void execute(const std::vector<IpvsOp>& plan, const std::set<VirtualServiceKey>& keys,
               ReconcileReport& report);
  void runOps(const std::vector<IpvsOp>& ops, ReconcileReport& report);
  // All addresses, or only those of `keys` (the incremental path stays O(change)).
  void syncAddresses(ReconcileReport& report, const std::set<VirtualServiceKey>* keys = nullptr);
  void own(const VirtualServiceKey& key) { ownershipDirty_ |= owned_.insert(key).second; }
  void disown(const VirtualServiceKey& key) { ownershipDirty_ |= owned_.erase(key) > 0; }
  void saveOwnership(ReconcileReport& report);
  void saveOwnership(std::vector<std::string>& errors);
  ConnectionLookup connectionLookup();

  IpvsPort& ipvs_;
  AddressPort& addresses_;
  ConntrackPort& conntrack_;
  StateStore& store_;
  const Clock& clock_;
  NodeContext node_;
  GracefulTermination graceful_;
  DesiredBuilder builder_;
  ObservedState kernel_;
  std::set<IpAddress> bound_;  // addresses on kipvs0
  std::set<VirtualServiceKey> owned_;
  bool ownershipDirty_ = false;   // owned_ differs from the stored record
  bool takeoverPending_ = false;  // a kube-proxy takeover is recorded and not yet complete
  // What failed, retried by the next incremental sync even if its Service did not change.
  std::set<VirtualServiceKey> retryKeys_;
  std::set<IpAddress> retryAddresses_;
  bool synced_ = false;
};

}  // namespace kipvs::core
