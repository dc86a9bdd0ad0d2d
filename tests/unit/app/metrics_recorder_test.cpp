#include "app/metrics_recorder.hpp"

#include <gtest/gtest.h>

namespace kipvs::app {
namespace {

using namespace std::chrono_literals;

std::string render(const metrics::SyncMetrics& sync) {
  std::string out;
  metrics::TextWriter writer(out);
  sync.write(writer);
  return out;
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

class MetricsRecorderTest : public ::testing::Test {
 protected:
  double now = 1699999900;  // kipvsd starts 100 s before the changes below
  MetricsRecorder recorder{[this] { return now; }};
};

TEST_F(MetricsRecorderTest, ObservesTheTriggerTimesOfChangedSlicesWhenTheNextSyncSucceeds) {
  k8s::Delta delta;
  delta.serviceChanges = 1;
  delta.endpointChanges = 2;
  delta.endpointTriggerTimesMs = {1699999998500, 1699999990000};  // 1.5 s and 10 s before the sync
  now = 1700000000;
  recorder.queued(delta);
  auto text = render(recorder.sync());
  EXPECT_TRUE(has(text, "kubeproxy_sync_proxy_rules_endpoint_changes_pending 2"));
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_count 0"));

  recorder.synced(false, false, 2ms);  // failed: the changes are not programmed yet
  text = render(recorder.sync());
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_count 0"));
  EXPECT_TRUE(has(text, "kubeproxy_sync_proxy_rules_last_timestamp_seconds 0"));

  recorder.synced(false, true, 2ms);
  text = render(recorder.sync());
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_count 2"));
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_sum 11.5"));
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"1\"} 0"));
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"2\"} 1"));
  EXPECT_TRUE(has(text, "kubeproxy_sync_proxy_rules_last_timestamp_seconds 1700000000"));
  EXPECT_TRUE(has(text, "kubeproxy_sync_partial_proxy_rules_duration_seconds_count 2"));

  now += 30;
  recorder.synced(true, true, 5ms);  // each trigger is observed once
  text = render(recorder.sync());
  EXPECT_TRUE(has(text, "kubeproxy_network_programming_duration_seconds_count 2"));
  EXPECT_TRUE(has(text, "kubeproxy_sync_full_proxy_rules_duration_seconds_count 1"));
  EXPECT_TRUE(has(text, "kubeproxy_sync_proxy_rules_last_timestamp_seconds 1700000030"));
}

TEST_F(MetricsRecorderTest, IgnoresTriggerTimesFromBeforeItStarted) {
  k8s::Delta delta;
  delta.endpointChanges = 1;
  delta.endpointTriggerTimesMs = {1699999000000};  // a slice last changed long before kipvsd started
  now = 1700000000;
  recorder.queued(delta);
  recorder.synced(true, true, 1ms);
  EXPECT_TRUE(has(render(recorder.sync()), "kubeproxy_network_programming_duration_seconds_count 0"));
  EXPECT_TRUE(has(render(recorder.sync()), "kubeproxy_sync_proxy_rules_endpoint_changes_total 1"));
}

}  // namespace
}  // namespace kipvs::app
