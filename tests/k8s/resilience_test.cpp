// The cache never stays different from the server's truth: a killed and restarted server (with
// deletions and compaction meanwhile), a 410 in the middle of a stream, a burst of malformed objects
// (watch edge cases 18, 46; bad input affects only itself).

#include <gtest/gtest.h>

#include "script_helpers.hpp"

namespace kipvs::k8s::testing {
namespace {

void populate(FakeCluster& cluster, int from, int to) {
  for (int i = from; i < to; ++i) {
    const std::string name = "s" + std::to_string(i);
    cluster.upsert(ResourceKind::Service, serviceJson("shop", name, "10.96.3." + std::to_string(i)));
    cluster.upsert(ResourceKind::EndpointSlice,
                   sliceJson("shop", name + "-a", name, {"10.244.3." + std::to_string(i)}));
  }
}

// watch edge cases 18 and 46: the server dies (every connection cut, as when an API server goes away); while
// it is down objects are deleted and added and history is compacted; when it is back the client's watch gets
// 410, relists and notices the deletions.
TEST(Resilience, KilledAndRestartedServerWithChangesWhileDown) {
  Harness h;
  h.cluster.upsert(ResourceKind::Node, nodeJson("node-a", "zone-1"));
  populate(h.cluster, 0, 6);
  SourceOptions options = Harness::fastOptions();
  options.nodeName = "node-a";
  h.start(options);
  ASSERT_TRUE(h.converged());
  h.server.stop();
  for (int i = 0; i < 3; ++i) {
    h.cluster.remove(ResourceKind::Service, "shop", "s" + std::to_string(i));
    h.cluster.remove(ResourceKind::EndpointSlice, "shop", "s" + std::to_string(i) + "-a");
  }
  populate(h.cluster, 10, 12);
  h.cluster.upsert(ResourceKind::Node, nodeJson("node-a", "zone-2"));
  h.cluster.compact();
  ASSERT_TRUE(h.waitUntil([&] { return h.failuresOf(FailureReason::ConnectionFailure) >= 2; }));
  h.server.start();
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_EQ(h.subscription->cache().snapshot().node->zone(), "zone-2");
  EXPECT_GE(h.failuresOf(FailureReason::Expired), 1U);
}

// A 410 in the middle of a live stream (history compacted while watching) ⇒ relist ⇒ the truth.
TEST(Resilience, ExpiredInTheMiddleOfAStream) {
  Harness h;
  populate(h.cluster, 0, 4);
  h.cluster.watchSeconds = 1;
  h.start();
  ASSERT_TRUE(h.converged());
  h.cluster.remove(ResourceKind::Service, "shop", "s1");
  h.cluster.compact();
  populate(h.cluster, 4, 6);
  h.cluster.compact();
  ASSERT_TRUE(h.waitUntil([&] { return h.failuresOf(FailureReason::Expired) >= 1; }));
  ASSERT_TRUE(h.converged());
}

// Rule 5: a burst of malformed objects (impossible addresses and ports) in lists and in the stream is
// rejected object by object, counted and reported; everything else stays exactly the server's truth.
TEST(Resilience, BurstOfMalformedObjects) {
  Harness h;
  populate(h.cluster, 0, 3);
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "bad-list", "10.96.999.1"));
  h.start();
  ASSERT_TRUE(h.converged());
  for (int i = 0; i < 20; ++i) {
    const std::string name = "bad" + std::to_string(i);
    h.cluster.upsert(ResourceKind::Service, serviceJson("shop", name, "10.96.4.1", {}, "", 70000 + i));
    h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", name + "-a", "s0", {"not-an-ip"}));
  }
  // A valid Service turned malformed disappears instead of keeping stale state.
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "s1", "10.96.3.1", {}, "", 0));
  populate(h.cluster, 3, 5);
  ASSERT_TRUE(h.converged());
  {
    const std::lock_guard lock(h.mutex);
    EXPECT_GE(h.subscription->stats().rejected, 42U);
    EXPECT_GE(h.failuresOf(FailureReason::MalformedObject), 42U);
    EXPECT_FALSE(hasService(h, "s1"));
  }
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "s1", "10.96.3.1"));
  ASSERT_TRUE(h.converged());
  EXPECT_TRUE(hasService(h, "s1"));
}

}  // namespace
}  // namespace kipvs::k8s::testing
