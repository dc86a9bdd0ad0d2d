#include "core/explain.hpp"

#include <algorithm>

#include "core/desired_builder.hpp"
#include "core/desired_service.hpp"

namespace kipvs::core {

std::optional<Explanation> explainVirtualService(const ClusterSnapshot& snapshot, const NodeContext& node,
                                                 const DesiredState& desired, const VirtualServiceKey& key) {
  const auto wanted = desired.services.find(key);
  if (wanted == desired.services.end()) {
    return std::nullopt;
  }
  const auto& vs = wanted->second;
  const auto owner = vs.origin.key();
  const auto service = snapshot.services.find(owner);
  if (service == snapshot.services.end()) {
    return std::nullopt;
  }
  static const std::vector<EndpointSlice> kNone;
  const auto slices = snapshot.slicesByService.find(owner);
  const auto context = withSnapshotDefaults(node, snapshot);
  const auto explained = explainService(
      service->second, slices == snapshot.slicesByService.end() ? kNone : slices->second, context);
  const auto match =
      std::find_if(explained.begin(), explained.end(), [&](const auto& e) { return e.key == key; });
  if (match == explained.end()) {
    return std::nullopt;
  }

  Explanation result{.key = key, .summary = {}, .endpoints = {}};
  std::size_t used = 0;
  for (const auto& decision : match->endpoints) {
    ExplainedEndpoint endpoint{.address = decision.address,
                               .port = decision.port,
                               .pod = decision.origin.pod,
                               .node = decision.origin.node,
                               .included = isUsed(decision.verdict),
                               .reason = std::string(toString(decision.verdict))};
    if (endpoint.included) {
      ++used;
      const auto real = std::find_if(vs.reals.begin(), vs.reals.end(), [&](const DesiredRealServer& r) {
        return r.server.address == decision.address && r.server.port == decision.port;
      });
      if (real != vs.reals.end() && real->drained) {
        endpoint.reason += "; drained by operator (weight 0)";
      }
    }
    result.endpoints.push_back(std::move(endpoint));
  }
  result.summary = owner.toString() + (vs.origin.portName.empty() ? "" : ":" + vs.origin.portName) + " " +
                   std::string(toString(vs.origin.kind)) + ", " + std::to_string(used) + " of " +
                   std::to_string(match->endpoints.size()) + " endpoints used" +
                   (vs.localOnly ? " (traffic policy Local)" : "");
  if (!vs.problem.empty()) {
    result.summary += "; " + vs.problem;
  }
  return result;
}

}  // namespace kipvs::core
