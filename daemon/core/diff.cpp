#include "core/diff.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace kipvs::core {
namespace {

using RealId = std::pair<IpAddress, std::uint16_t>;

RealId idOf(const RealServer& real) {
  return {real.address, real.port};
}

IpvsOp op(IpvsOp::Kind kind, const VirtualService& service, const RealServer& real = {}) {
  return {.kind = kind, .service = service, .real = real};
}

}  // namespace

bool sameAttributes(const VirtualService& a, const VirtualService& b) {
  constexpr auto kMask = ~svc_flags::kHashed;
  return std::tie(a.key, a.scheduler, a.timeout, a.netmask) ==
             std::tie(b.key, b.scheduler, b.timeout, b.netmask) &&
         (a.flags & kMask) == (b.flags & kMask);
}

bool sameAttributes(const RealServer& a, const RealServer& b) {
  return a == b;
}

void diffVirtualService(const ObservedVirtualService* observed, const DesiredVirtualService* desired,
                        bool owned, std::vector<IpvsOp>& out) {
  if (desired == nullptr) {
    if (observed != nullptr && owned) {
      out.push_back(op(IpvsOp::Kind::DeleteService, observed->service));
    }
    return;
  }
  VirtualService wanted = desired->service;
  wanted.flags &= ~svc_flags::kHashed;
  if (observed == nullptr) {
    out.push_back(op(IpvsOp::Kind::AddService, wanted));
  } else if (!sameAttributes(observed->service, wanted)) {
    out.push_back(op(IpvsOp::Kind::EditService, wanted));
  }

  std::map<RealId, const RealServer*> have;
  if (observed != nullptr) {
    for (const auto& real : observed->reals) {
      have.emplace(idOf(real), &real);
    }
  }
  std::map<RealId, const RealServer*> want;
  for (const auto& real : desired->reals) {
    want.emplace(idOf(real.server), &real.server);
  }
  for (const auto& [id, real] : want) {
    if (!have.contains(id)) {
      out.push_back(op(IpvsOp::Kind::AddReal, wanted, *real));
    }
  }
  for (const auto& [id, real] : want) {
    if (const auto it = have.find(id); it != have.end() && !sameAttributes(*it->second, *real)) {
      out.push_back(op(IpvsOp::Kind::EditReal, wanted, *real));
    }
  }
  for (const auto& [id, real] : have) {
    if (!want.contains(id)) {
      out.push_back(op(IpvsOp::Kind::DeleteReal, wanted, *real));
    }
  }
}

std::vector<IpvsOp> diff(const ObservedState& observed, const DesiredState& desired,
                         const std::set<VirtualServiceKey>& owned) {
  std::set<VirtualServiceKey> keys;
  for (const auto& [key, unused] : observed) {
    keys.insert(key);
  }
  for (const auto& [key, unused] : desired.services) {
    keys.insert(key);
  }
  return diff(observed, desired, owned, keys);
}

std::vector<IpvsOp> diff(const ObservedState& observed, const DesiredState& desired,
                         const std::set<VirtualServiceKey>& owned, const std::set<VirtualServiceKey>& keys) {
  std::vector<IpvsOp> deletes;
  std::vector<IpvsOp> rest;
  for (const auto& key : keys) {
    const auto seen = observed.find(key);
    const auto wanted = desired.services.find(key);
    const auto* observedPtr = seen == observed.end() ? nullptr : &seen->second;
    const auto* desiredPtr = wanted == desired.services.end() ? nullptr : &wanted->second;
    diffVirtualService(observedPtr, desiredPtr, owned.contains(key), desiredPtr == nullptr ? deletes : rest);
  }
  deletes.insert(deletes.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return deletes;
}

void applyToObserved(ObservedState& state, const IpvsOp& op) {
  const auto& key = op.service.key;
  auto findReal = [&](ObservedVirtualService& vs) {
    return std::find_if(vs.reals.begin(), vs.reals.end(),
                        [&](const RealServer& r) { return idOf(r) == idOf(op.real); });
  };
  switch (op.kind) {
    case IpvsOp::Kind::AddService:
    case IpvsOp::Kind::EditService: {
      auto& vs = state[key];
      vs.service = op.service;
      vs.service.flags &= ~svc_flags::kHashed;
      return;
    }
    case IpvsOp::Kind::DeleteService:
      state.erase(key);
      return;
    case IpvsOp::Kind::AddReal:
    case IpvsOp::Kind::EditReal: {
      const auto vs = state.find(key);
      if (vs == state.end()) {
        return;
      }
      if (const auto real = findReal(vs->second); real != vs->second.reals.end()) {
        *real = op.real;
      } else {
        vs->second.reals.push_back(op.real);
      }
      return;
    }
    case IpvsOp::Kind::DeleteReal:
      if (const auto vs = state.find(key); vs != state.end()) {
        if (const auto real = findReal(vs->second); real != vs->second.reals.end()) {
          vs->second.reals.erase(real);
        }
      }
      return;
  }
}

AddressPlan diffAddresses(const std::set<IpAddress>& observed, const std::set<IpAddress>& desired) {
  AddressPlan plan;
  std::set_difference(desired.begin(), desired.end(), observed.begin(), observed.end(),
                      std::back_inserter(plan.add));
  std::set_difference(observed.begin(), observed.end(), desired.begin(), desired.end(),
                      std::back_inserter(plan.remove));
  return plan;
}

}  // namespace kipvs::core
