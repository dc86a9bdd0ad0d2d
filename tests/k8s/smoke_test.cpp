// The whole path against the fake API server: TLS, token, LIST, WATCH, cache.

#include <gtest/gtest.h>

#include "harness.hpp"

namespace kipvs::k8s::testing {
namespace {

TEST(KubeSource, SyncsAndFollowsTheFakeApiServer) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "web", "10.96.0.10"));
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "api", "10.96.0.11"));
  h.cluster.upsert(ResourceKind::Service, serviceJson("shop", "db", "10.96.0.12"));
  h.cluster.upsert(ResourceKind::EndpointSlice, sliceJson("shop", "web-a", "web", {"10.244.1.5"}));
  h.start();
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(h.snapshots, 1);
  h.cluster.upsert(ResourceKind::EndpointSlice,
                   sliceJson("shop", "web-a", "web", {"10.244.1.5", "10.244.1.6"}));
  h.cluster.remove(ResourceKind::Service, "shop", "db");
  ASSERT_TRUE(h.converged());
  EXPECT_FALSE(h.deltas.empty());
}

}  // namespace
}  // namespace kipvs::k8s::testing
