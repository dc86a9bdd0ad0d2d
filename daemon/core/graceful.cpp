#include "core/graceful.hpp"

namespace kipvs::core {
namespace {

bool deletesAtOnce(Protocol protocol) {
  return protocol == Protocol::Udp || protocol == Protocol::Sctp;
}

ConntrackFlush flushFor(const VirtualServiceKey& key, const RealServer& real) {
  return {.vip = key.address, .port = key.port, .protocol = key.protocol, .realIp = real.address};
}

}  // namespace

GracefulTermination::Rewritten GracefulTermination::rewrite(const std::vector<IpvsOp>& plan,
                                                            const ObservedState& observed,
                                                            const ConnectionLookup& connections) {
  Rewritten out;
  for (const auto& op : plan) {
    const auto& key = op.service.key;
    switch (op.kind) {
      case IpvsOp::Kind::DeleteService:
        // A whole virtual service goes at once (kube-proxy does the same); its flows are flushed.
        forgetService(key);
        if (const auto it = observed.find(key); it != observed.end() && deletesAtOnce(key.protocol)) {
          for (const auto& real : it->second.reals) {
            out.flushes.push_back(flushFor(key, real));
          }
        }
        out.ops.push_back(op);
        break;
      case IpvsOp::Kind::DeleteReal: {
        if (deletesAtOnce(key.protocol)) {
          terminating_.erase(idOf(key, op.real));
          out.flushes.push_back(flushFor(key, op.real));
          out.ops.push_back(op);
          break;
        }
        if (terminating_.contains(idOf(key, op.real))) {
          break;  // already draining; reap() decides
        }
        const auto live = connections(key, op.real);
        if (!live || *live == 0) {
          out.ops.push_back(op);
          break;
        }
        RealServer quiesced = op.real;
        quiesced.weight = 0;
        if (op.real.weight != 0) {
          out.ops.push_back({.kind = IpvsOp::Kind::EditReal, .service = op.service, .real = quiesced});
        }
        terminating_.emplace(idOf(key, op.real),
                             Entry{.service = op.service, .real = quiesced, .since = clock_.now()});
        break;
      }
      case IpvsOp::Kind::AddReal:
      case IpvsOp::Kind::EditReal:
        terminating_.erase(idOf(key, op.real));  // back in the desired set
        out.ops.push_back(op);
        break;
      case IpvsOp::Kind::AddService:
      case IpvsOp::Kind::EditService:
        out.ops.push_back(op);
        break;
    }
  }
  return out;
}

std::vector<IpvsOp> GracefulTermination::reap(const ConnectionLookup& connections) {
  std::vector<IpvsOp> ops;
  const auto now = clock_.now();
  for (auto it = terminating_.begin(); it != terminating_.end();) {
    const auto& entry = it->second;
    const auto live = connections(entry.service.key, entry.real);
    const bool expired = deadline_.count() > 0 && now - entry.since >= deadline_;
    if (live && *live > 0 && !expired) {
      ++it;
      continue;
    }
    if (live) {
      ops.push_back({.kind = IpvsOp::Kind::DeleteReal, .service = entry.service, .real = entry.real});
    }
    it = terminating_.erase(it);
  }
  return ops;
}

bool GracefulTermination::isTerminating(const VirtualServiceKey& key, const RealServer& real) const {
  return terminating_.contains(idOf(key, real));
}

void GracefulTermination::forgetService(const VirtualServiceKey& key) {
  std::erase_if(terminating_, [&](const auto& entry) { return std::get<0>(entry.first) == key; });
}

}  // namespace kipvs::core
