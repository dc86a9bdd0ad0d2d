// Field changes through the Kubernetes watch path: the fake API server sends MODIFIED events, the real
// KubeSource, decoder, cache, subscription and reconciler program a fake node, and after every change the
// result must equal a from-scratch computation of the server's objects (and, for the hints bug, what
// kube-proxy programs).

#include <gtest/gtest.h>

#include "../unit/app/field_rows_runner.hpp"
#include "core/desired_builder.hpp"
#include "core/log.hpp"
#include "watched_daemon.hpp"

namespace kipvs::k8s::testing {
namespace {

using app::testing::baseWorld;
using app::testing::Effect;
using app::testing::fieldRows;
using app::testing::JsonDoc;
using app::testing::ObjectRef;

std::set<std::string> realsOf(const core::testing::FakeIpvs& ipvs, const std::string& vip) {
  std::set<std::string> reals;
  for (const auto& [key, vs] : ipvs.table) {
    if (key.address.toString() == vip) {
      for (const auto& real : vs.reals) {
        reals.insert(real.address.toString());
      }
    }
  }
  return reals;
}

class WatchSource final : public app::testing::ObjectSource {
 public:
  explicit WatchSource(WatchedDaemon& watched) : watched_(watched) {}
  void put(const ObjectRef& ref, const JsonDoc& object) override {
    watched_.cluster.upsert(ref.kind, app::testing::renderForServer(object));
  }
  void remove(const ObjectRef& ref) override {
    watched_.cluster.remove(ref.kind, ref.kind == ResourceKind::Node ? "" : app::testing::kNamespace,
                            ref.name);
  }
  bool settle() override { return started_ ? watched_.settle() : (started_ = watched_.start()); }
  std::vector<std::string> differences() override { return watched_.differences(); }
  core::DesiredState fromScratch() override {
    const auto truth = watched_.cluster.truth();
    auto node = watched_.daemon().nodeContext();
    node.zone = truth.node ? truth.node->zone() : std::string{};
    return core::computeDesired(truth, node);
  }

 private:
  WatchedDaemon& watched_;
  bool started_ = false;
};

// The bug report: PreferClose with zone hints, then the EndpointSlice controller drops the hints (the
// zones became unbalanced). kube-proxy stops filtering when hints are missing
// (pkg/proxy/topology.go, topologyModeFromHints): every endpoint must be programmed again.
TEST(WatchFieldChanges, AnUpdateThatRemovesZoneHintsProgramsEveryEndpoint) {
  auto world = baseWorld();
  const ObjectRef web{ResourceKind::Service, "web"};
  const ObjectRef slice{ResourceKind::EndpointSlice, "web-a"};
  world[web].set({"spec", "trafficDistribution"}, JsonDoc::str("PreferClose"));
  world[slice].set({"endpoints", "[0]", "hints"}, JsonDoc::parse(R"({"forZones":[{"name":"zone-a"}]})"));
  world[slice].set({"endpoints", "[1]", "hints"}, JsonDoc::parse(R"({"forZones":[{"name":"zone-b"}]})"));
  world[slice].set({"endpoints", "[2]", "hints"}, JsonDoc::parse(R"({"forZones":[{"name":"zone-b"}]})"));
  WatchedDaemon watched;
  for (const auto& [ref, object] : world) {
    watched.cluster.upsert(ref.kind, app::testing::renderForServer(object));
  }
  ASSERT_TRUE(watched.start());
  EXPECT_EQ(realsOf(watched.host.ipvs, "10.96.0.10"), std::set<std::string>{"10.244.1.5"});

  world[slice].set({"endpoints", "[*]", "hints"}, std::nullopt);  // MODIFIED: the same slice, no hints
  watched.cluster.upsert(ResourceKind::EndpointSlice, app::testing::renderForServer(world[slice]));
  ASSERT_TRUE(watched.settle());
  EXPECT_EQ(realsOf(watched.host.ipvs, "10.96.0.10"),
            (std::set<std::string>{"10.244.1.5", "10.244.2.5", "10.244.3.5"}));
  EXPECT_EQ(watched.differences(), std::vector<std::string>{});
}

// One fake API server and one daemon for the whole table: each row changes one field of one object.
TEST(WatchFieldChanges, EveryFieldChangeIsProgrammedAsFromScratch) {
  log::setLevel(log::Level::Error);  // rows that make objects malformed are logged by design
  WatchedDaemon watched;
  WatchSource source(watched);
  const auto outcomes = app::testing::runFieldRows(source, baseWorld(), fieldRows());
  log::setLevel(log::Level::Info);
  const auto rows = fieldRows();
  ASSERT_EQ(outcomes.size(), rows.size()) << (outcomes.empty() ? "" : outcomes.front().failures.front());
  std::size_t steps = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].field);
    steps += outcomes[i].steps;
    EXPECT_EQ(outcomes[i].failures, std::vector<std::string>{});
    if (rows[i].effect == Effect::Both || rows[i].effect == Effect::WatchOnly) {
      EXPECT_TRUE(outcomes[i].changedDesired) << "no value of this field changed the desired state";
    }
  }
  std::cout << "[          ] " << rows.size() << " fields, " << steps << " MODIFIED steps\n";
}

}  // namespace
}  // namespace kipvs::k8s::testing
