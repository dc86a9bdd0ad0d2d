#pragma once

// A desired-state scenario: a snapshot and a node in, the exact rendered desired state out.

#include <functional>
#include <string>
#include <vector>

#include "core/desired_builder.hpp"
#include "core_fixtures.hpp"

namespace kipvs::core::testing {

struct Scenario {
  std::string name;
  ClusterSnapshot snapshot;
  std::vector<std::string> expected;
  std::function<void(NodeContext&)> adjustNode = {};
};

inline void PrintTo(const Scenario& scenario, std::ostream* out) {
  *out << scenario.name;
}

inline std::vector<std::string> run(const Scenario& scenario) {
  auto node = nodeA();
  if (scenario.adjustNode) {
    scenario.adjustNode(node);
  }
  return render(computeDesired(scenario.snapshot, node));
}

}  // namespace kipvs::core::testing
