#include "metrics/sync_metrics.hpp"

#include <gtest/gtest.h>

#include "metric_text.hpp"

namespace kipvs::metrics {
namespace {

using namespace std::chrono_literals;
using testing::valueOf;

std::string render(const SyncMetrics& metrics) {
  std::string out;
  TextWriter writer(out);
  metrics.write(writer);
  return out;
}

TEST(SyncMetrics, BeforeAnySyncEverySeriesIsThereAtZero) {
  const auto text = render(SyncMetrics{});
  for (const char* series :
       {"kubeproxy_sync_proxy_rules_duration_seconds_count",
        "kubeproxy_sync_full_proxy_rules_duration_seconds_count",
        "kubeproxy_sync_partial_proxy_rules_duration_seconds_count",
        "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
        "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
        "kubeproxy_network_programming_duration_seconds_count",
        "kubeproxy_sync_proxy_rules_endpoint_changes_pending",
        "kubeproxy_sync_proxy_rules_endpoint_changes_total",
        "kubeproxy_sync_proxy_rules_service_changes_pending",
        "kubeproxy_sync_proxy_rules_service_changes_total", "kipvs_sync_failures_total"}) {
    EXPECT_EQ(valueOf(text, series), "0") << series;
  }
}

struct SyncCase {
  const char* name;
  std::vector<SyncRecord> syncs;
  const char* series;
  const char* value;
};

class SyncMetricsTable : public ::testing::TestWithParam<SyncCase> {};

TEST_P(SyncMetricsTable, RendersTheSeriesFromTheSyncs) {
  SyncMetrics metrics;
  for (const auto& sync : GetParam().syncs) {
    metrics.synced(sync);
  }
  EXPECT_EQ(valueOf(render(metrics), GetParam().series), GetParam().value);
}

const SyncRecord kFullOk{.full = true, .ok = true, .duration = 3ms, .finishedAt = 1700000000.5};
const SyncRecord kPartialOk{.full = false, .ok = true, .duration = 500us, .finishedAt = 1700000010};
const SyncRecord kPartialFailed{.full = false, .ok = false, .duration = 40ms, .finishedAt = 1700000020};

INSTANTIATE_TEST_SUITE_P(
    Cases, SyncMetricsTable,
    ::testing::Values(SyncCase{"EverySyncCounts",
                               {kFullOk, kPartialOk, kPartialFailed},
                               "kubeproxy_sync_proxy_rules_duration_seconds_count",
                               "3"},
                      SyncCase{"FullSyncsApart",
                               {kFullOk, kPartialOk, kPartialFailed},
                               "kubeproxy_sync_full_proxy_rules_duration_seconds_count",
                               "1"},
                      SyncCase{"PartialSyncsApart",
                               {kFullOk, kPartialOk, kPartialFailed},
                               "kubeproxy_sync_partial_proxy_rules_duration_seconds_count",
                               "2"},
                      SyncCase{"DurationInSeconds",
                               {kFullOk},
                               "kubeproxy_sync_full_proxy_rules_duration_seconds_sum",
                               "0.003"},
                      SyncCase{"ThreeMillisecondsFallInTheFourMillisecondBucket",
                               {kFullOk},
                               "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"}",
                               "1"},
                      SyncCase{"AndNotInTheTwoMillisecondOne",
                               {kFullOk},
                               "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"}",
                               "0"},
                      SyncCase{"FifteenBucketsUpTo16Seconds",
                               {kPartialFailed},
                               "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"16.384\"}",
                               "1"},
                      SyncCase{"LastTimestampIsTheLastSuccessfulSync",
                               {kFullOk, kPartialOk, kPartialFailed},
                               "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                               "1700000010"},
                      SyncCase{"FailedSyncsAreCounted",
                               {kFullOk, kPartialFailed, kPartialFailed},
                               "kipvs_sync_failures_total",
                               "2"}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(SyncMetrics, ChangesArePendingUntilTheNextSyncAndTotalForever) {
  SyncMetrics metrics;
  metrics.changesQueued(2, 5, 1700000001);
  metrics.changesQueued(0, 1, 1700000002);
  auto text = render(metrics);
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_service_changes_pending"), "2");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_endpoint_changes_pending"), "6");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds"), "1700000002");

  metrics.synced(kPartialOk);
  metrics.changesQueued(1, 0, 1700000030);
  text = render(metrics);
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_service_changes_pending"), "1");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_endpoint_changes_pending"), "0");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_service_changes_total"), "3");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_endpoint_changes_total"), "6");
  EXPECT_EQ(valueOf(text, "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds"), "1700000030");
}

TEST(SyncMetrics, NetworkProgrammingUsesKubeProxysBucketsAndDropsNegativeLatencies) {
  SyncMetrics metrics;
  metrics.networkProgrammed(0.3);
  metrics.networkProgrammed(62);
  metrics.networkProgrammed(-1);  // the control plane's clock is ahead of ours
  const auto text = render(metrics);
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_count"), "2");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"0\"}"), "0");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"0.25\"}"), "0");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"0.5\"}"), "1");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"59\"}"), "1");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"65\"}"), "2");
  EXPECT_EQ(valueOf(text, "kubeproxy_network_programming_duration_seconds_bucket{le=\"300\"}"), "2");
  // 1 + 2 + 59 + 12 + 7 bounds and +Inf.
  EXPECT_EQ(testing::countLinesStartingWith(text, "kubeproxy_network_programming_duration_seconds_bucket"),
            82U);
}

}  // namespace
}  // namespace kipvs::metrics
