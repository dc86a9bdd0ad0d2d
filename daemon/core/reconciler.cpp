#include "core/reconciler.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/desired_service.hpp"
#include "core/log.hpp"
#include "core/ownership.hpp"

namespace kipvs::core {
namespace {

const std::vector<EndpointSlice> kNoSlices;

const std::vector<EndpointSlice>& slicesOf(const ClusterSnapshot& snapshot, const ObjectKey& key) {
  const auto it = snapshot.slicesByService.find(key);
  return it == snapshot.slicesByService.end() ? kNoSlices : it->second;
}

// Deleting what is already gone is done, not failed (someone ran ipvsadm, or a retry).
bool alreadyDone(const IpvsOp& op, int error) {
  const bool deletion = op.kind == IpvsOp::Kind::DeleteService || op.kind == IpvsOp::Kind::DeleteReal;
  return deletion && (error == ENOENT || error == ESRCH);
}

}  // namespace

Reconciler::Reconciler(IpvsPort& ipvs, AddressPort& addresses, ConntrackPort& conntrack, StateStore& store,
                       const Clock& clock, NodeContext node, ReconcilerOptions options)
    : ipvs_(ipvs),
      addresses_(addresses),
      conntrack_(conntrack),
      store_(store),
      clock_(clock),
      node_(std::move(node)),
      graceful_(clock_, options.gracefulDeadline) {}

AdoptionReport Reconciler::start() {
  AdoptionReport report;
  readKernel(report.errors);
  OwnershipRecord record;
  try {
    if (const auto text = store_.load()) {
      record = OwnershipRecord::parse(*text);
    }
  } catch (const std::exception& error) {
    // Without the record only VIPs on kipvs0 prove ownership; nothing foreign is at risk.
    report.errors.push_back(std::string("reading the ownership record: ") + error.what());
  }
  owned_.clear();
  takeoverPending_ = record.kubeProxyTakeoverPending;
  for (const auto& [key, unused] : kernel_) {
    if (record.services.contains(key) || (key.fwmark == 0 && bound_.contains(key.address))) {
      owned_.insert(key);
    }
  }
  ownershipDirty_ = owned_ != record.services;  // saved by the first sync, never by start()
  report.kernelServices = kernel_.size();
  report.adopted = owned_.size();
  return report;
}

ReconcileReport Reconciler::fullSync(const ClusterSnapshot& snapshot) {
  ReconcileReport report;
  readKernel(report.errors);
  ownershipDirty_ |= std::erase_if(owned_, [&](const auto& key) { return !kernel_.contains(key); }) > 0;

  const auto node = withSnapshotDefaults(node_, snapshot);
  builder_ = DesiredBuilder{};
  for (const auto& [key, service] : snapshot.services) {
    builder_.set(computeService(service, slicesOf(snapshot, key), node));
  }
  report.servicesRecomputed = snapshot.services.size();
  retryKeys_.clear();
  retryAddresses_.clear();

  std::set<VirtualServiceKey> desiredKeys;
  for (const auto& [key, unused] : builder_.state().services) {
    desiredKeys.insert(key);
  }
  execute(diff(kernel_, builder_.state(), owned_), desiredKeys, report);
  runOps(graceful_.reap(connectionLookup()), report);
  syncAddresses(report);
  saveOwnership(report);
  synced_ = true;
  return report;
}

ReconcileReport Reconciler::syncServices(const ClusterSnapshot& snapshot, const std::set<ObjectKey>& keys) {
  if (!synced_) {
    throw std::logic_error("Reconciler::syncServices before the first fullSync");
  }
  ReconcileReport report;
  const auto node = withSnapshotDefaults(node_, snapshot);
  std::set<VirtualServiceKey> touched;
  for (const auto& key : keys) {
    const auto service = snapshot.services.find(key);
    auto changed = service == snapshot.services.end()
                       ? builder_.erase(key)
                       : builder_.set(computeService(service->second, slicesOf(snapshot, key), node));
    touched.merge(changed);
  }
  report.servicesRecomputed = keys.size();
  touched.merge(retryKeys_);
  retryKeys_.clear();
  execute(diff(kernel_, builder_.state(), owned_, touched), touched, report);
  syncAddresses(report, &touched);
  saveOwnership(report);
  report.touched = std::move(touched);
  return report;
}

ReconcileReport Reconciler::reapTerminating() {
  ReconcileReport report;
  runOps(graceful_.reap(connectionLookup()), report);
  saveOwnership(report);
  return report;
}

void Reconciler::readKernel(std::vector<std::string>& errors) {
  // Refreshed in place, one virtual service at a time: at 10k services x 10 reals a second complete copy
  // of the table would be ~7 MiB of peak for nothing. A listing that fails half-way leaves entries that
  // are either fresh or as before.
  const auto services = ipvs_.listServices();
  std::vector<VirtualServiceKey> present;
  present.reserve(services.size());
  for (const auto& status : services) {
    const auto reals = ipvs_.listRealServers(status.service.key);
    auto& vs = kernel_[status.service.key];
    vs.service = status.service;
    vs.service.flags &= ~svc_flags::kHashed;
    std::vector<RealServer> fresh;
    fresh.reserve(reals.size());
    for (const auto& real : reals) {
      fresh.push_back(real.server);
    }
    vs.reals = std::move(fresh);
    present.push_back(status.service.key);
  }
  std::sort(present.begin(), present.end());
  std::erase_if(kernel_, [&](const auto& entry) {
    return !std::binary_search(present.begin(), present.end(), entry.first);
  });
  try {
    const auto listed = addresses_.listAddresses();
    bound_ = {listed.begin(), listed.end()};
  } catch (const std::system_error& error) {
    errors.push_back(std::string("listing kipvs0 addresses: ") + error.what());
  }
}

void Reconciler::execute(const std::vector<IpvsOp>& plan, const std::set<VirtualServiceKey>& keys,
                         ReconcileReport& report) {
  auto rewritten = graceful_.rewrite(plan, kernel_, connectionLookup());
  runOps(rewritten.ops, report);
  // A desired virtual service present in the kernel is kipvs's from now on, whoever created it.
  for (const auto& key : keys) {
    if (kernel_.contains(key) && builder_.state().services.contains(key)) {
      own(key);
    }
  }
  for (const auto& flush : rewritten.flushes) {
    try {
      conntrack_.flush(flush.vip, flush.port, flush.protocol, flush.realIp);
      ++report.conntrackFlushes;
    } catch (const std::system_error& error) {
      report.errors.push_back("flushing conntrack for " + flush.vip.toString() + ":" +
                              std::to_string(flush.port) + " -> " + flush.realIp.toString() + ": " +
                              error.what());
    }
  }
}

void Reconciler::runOps(const std::vector<IpvsOp>& ops, ReconcileReport& report) {
  if (ops.empty()) {
    return;
  }
  const auto results = ipvs_.apply(ops);
  if (results.size() != ops.size()) {
    throw std::logic_error("IpvsPort::apply returned " + std::to_string(results.size()) + " results for " +
                           std::to_string(ops.size()) + " ops");
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& op = ops[i];
    if (log::enabled(log::Level::Debug)) {
      std::ostringstream line;
      line << op << (results[i] == 0 ? "" : ": ") << (results[i] == 0 ? "" : std::strerror(results[i]));
      log::debug(line.str(), {{"KIPVS_SERVICE", op.service.key.toString()}});
    }
    if (results[i] != 0 && !alreadyDone(op, results[i])) {
      report.failures.push_back({.op = op, .error = results[i]});
      retryKeys_.insert(op.service.key);
      if (op.kind == IpvsOp::Kind::EditReal && op.real.weight == 0) {
        graceful_.forget(op.service.key, op.real);
      }
      continue;
    }
    applyToObserved(kernel_, op);
    ++report.opsApplied;
    if (op.kind == IpvsOp::Kind::AddService || op.kind == IpvsOp::Kind::EditService) {
      own(op.service.key);
    } else if (op.kind == IpvsOp::Kind::DeleteService) {
      disown(op.service.key);
    }
  }
}

void Reconciler::syncAddresses(ReconcileReport& report, const std::set<VirtualServiceKey>* keys) {
  const auto& wanted = builder_.state().boundAddresses;
  AddressPlan plan;
  if (keys == nullptr) {
    plan = diffAddresses(bound_, wanted);
  } else {
    auto candidates = std::exchange(retryAddresses_, {});
    for (const auto& key : *keys) {
      if (key.fwmark == 0) {
        candidates.insert(key.address);
      }
    }
    for (const auto& address : candidates) {
      if (wanted.contains(address) && !bound_.contains(address)) {
        plan.add.push_back(address);
      } else if (!wanted.contains(address) && bound_.contains(address)) {
        plan.remove.push_back(address);
      }
    }
  }
  for (const auto& address : plan.add) {
    try {
      addresses_.addAddress(address);
      bound_.insert(address);
      ++report.addressesAdded;
    } catch (const std::system_error& error) {
      report.errors.push_back("adding " + address.toString() + " to kipvs0: " + error.what());
      retryAddresses_.insert(address);
    }
  }
  for (const auto& address : plan.remove) {
    try {
      addresses_.removeAddress(address);
      bound_.erase(address);
      ++report.addressesRemoved;
    } catch (const std::system_error& error) {
      report.errors.push_back("removing " + address.toString() + " from kipvs0: " + error.what());
      retryAddresses_.insert(address);
    }
  }
}

void Reconciler::saveOwnership(ReconcileReport& report) {
  saveOwnership(report.errors);
}

void Reconciler::saveOwnership(std::vector<std::string>& errors) {
  if (!ownershipDirty_) {
    return;
  }
  try {
    store_.save(OwnershipRecord{.services = owned_, .kubeProxyTakeoverPending = takeoverPending_}.toText());
    ownershipDirty_ = false;
  } catch (const std::exception& error) {
    errors.push_back(std::string("saving the ownership record: ") + error.what());  // retried next sync
  }
}

void Reconciler::adoptForTakeover(const std::set<VirtualServiceKey>& keys, std::vector<std::string>& errors) {
  for (const auto& key : keys) {
    if (kernel_.contains(key)) {
      own(key);
    }
  }
  ownershipDirty_ |= !takeoverPending_;
  takeoverPending_ = true;
  saveOwnership(errors);
}

void Reconciler::finishTakeover(std::vector<std::string>& errors) {
  ownershipDirty_ |= takeoverPending_;
  takeoverPending_ = false;
  saveOwnership(errors);
}

ConnectionLookup Reconciler::connectionLookup() {
  // Counters are read fresh from the kernel, once per virtual service per call site.
  auto cache = std::make_shared<std::map<VirtualServiceKey, std::vector<RealServerStatus>>>();
  return [this, cache](const VirtualServiceKey& key, const RealServer& real) -> std::optional<std::uint64_t> {
    auto it = cache->find(key);
    if (it == cache->end()) {
      it = cache
               ->emplace(key,
                         kernel_.contains(key) ? ipvs_.listRealServers(key) : std::vector<RealServerStatus>{})
               .first;
    }
    for (const auto& status : it->second) {
      if (status.server.address == real.address && status.server.port == real.port) {
        return std::uint64_t{status.activeConnections} + status.inactiveConnections;
      }
    }
    return std::nullopt;
  };
}

}  // namespace kipvs::core
