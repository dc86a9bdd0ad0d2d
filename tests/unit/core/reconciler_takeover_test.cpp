// The reconciler's side of a kube-proxy takeover: adopted virtual services are reconciled in place,
// stale ones deleted, and the pending mark survives a restart until the takeover is finished.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace kipvs::core::testing {
namespace {

using Ops = std::vector<std::string>;

class ReconcilerTakeoverTest : public ReconcilerTest {
 protected:
  // kube-proxy left web (live, one real) and 10.96.0.99 (no Service any more).
  void SetUp() override {
    ipvs.table[web].service.key = web;
    ipvs.table[web].reals.push_back({.address = ip("10.244.1.5"), .port = 8080});
    ipvs.table[stale].service.key = stale;
    ipvs.table[stale].reals.push_back({.address = ip("10.244.1.9"), .port = 8080});
  }
  const VirtualServiceKey web = key(Protocol::Tcp, "10.96.0.10", 80);
  const VirtualServiceKey stale = key(Protocol::Tcp, "10.96.0.99", 80);
};

TEST_F(ReconcilerTakeoverTest, AdoptionIsRecordedAtOnceWithThePendingMark) {
  auto reconciler = make();
  std::vector<std::string> errors;
  reconciler->adoptForTakeover({web, stale, key(Protocol::Tcp, "10.96.0.77", 80)}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(ipvs.log.empty());  // nothing written to the kernel
  EXPECT_EQ(store.text,
            "kipvs-ownership 1\nvs TCP 10.96.0.10 80\nvs TCP 10.96.0.99 80\ntakeover kube-proxy pending\n");
  EXPECT_TRUE(reconciler->takeoverPending());
}

TEST_F(ReconcilerTakeoverTest, TheLiveServiceIsKeptInPlaceAndTheStaleOneDeleted) {
  auto reconciler = make();
  std::vector<std::string> errors;
  reconciler->adoptForTakeover({web, stale}, errors);
  reconciler->fullSync(cluster({"10.244.1.5"}));
  EXPECT_EQ(takeOps(), Ops{"delete-service TCP 10.96.0.99:80"});  // web: no delete, no re-add
  EXPECT_TRUE(ipvs.table.contains(web));
}

TEST_F(ReconcilerTakeoverTest, APendingTakeoverSurvivesARestartUntilFinished) {
  {
    auto first = make();
    std::vector<std::string> errors;
    first->adoptForTakeover({web, stale}, errors);
    first->fullSync(cluster({"10.244.1.5"}));
  }
  auto second = make();
  EXPECT_TRUE(second->takeoverPending());
  EXPECT_TRUE(second->owned().contains(web));
  std::vector<std::string> errors;
  second->finishTakeover(errors);
  EXPECT_FALSE(second->takeoverPending());
  EXPECT_EQ(store.text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\n");
  EXPECT_FALSE(make()->takeoverPending());
}

}  // namespace
}  // namespace kipvs::core::testing
