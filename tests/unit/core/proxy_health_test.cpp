#include "core/proxy_health.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kipvs::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kTimeout{60'000};  // 2 × sync-period 30 s

HealthMoment at(seconds offset) {
  return {.steady = Clock::TimePoint{} + offset,
          .wall = std::chrono::system_clock::time_point{} + seconds(1'700'000'000) + offset};
}

Node nodeWith(bool deleting, std::vector<std::string> taints) {
  Node node;
  node.meta.name = "node-a";
  node.meta.deleting = deleting;
  node.taintKeys = std::move(taints);
  return node;
}

enum class Step { Queued, Updated, Lost, Back, Deleting, Tainted, OtherTaint, Eligible };

struct HealthCase {
  const char* name;
  std::vector<std::pair<int, Step>> steps;  // second, what happened
  int askedAt;                              // second of the probe
  int healthz;
  int livez;
};

class ProxyHealthCases : public testing::TestWithParam<HealthCase> {};

TEST_P(ProxyHealthCases, AnswerTheWayKubeProxyDoes) {
  const auto& c = GetParam();
  ProxyHealth health(kTimeout);
  for (const auto& [second, step] : c.steps) {
    const auto now = at(seconds(second));
    switch (step) {
      case Step::Queued:
        health.queued(now);
        break;
      case Step::Updated:
        health.updated(now);
        break;
      case Step::Lost:
        health.sourceLost(now);
        break;
      case Step::Back:
        health.sourceBack();
        break;
      case Step::Deleting:
        health.syncNode(nodeWith(true, {}));
        break;
      case Step::Tainted:
        health.syncNode(
            nodeWith(false, {"node.kubernetes.io/unschedulable", "ToBeDeletedByClusterAutoscaler"}));
        break;
      case Step::OtherTaint:
        health.syncNode(nodeWith(false, {"DeletionCandidateOfClusterAutoscaler"}));
        break;
      case Step::Eligible:
        health.syncNode(nodeWith(false, {}));
        break;
    }
  }
  const auto now = at(seconds(c.askedAt));
  EXPECT_EQ(healthzAnswer(health, now).status, c.healthz);
  EXPECT_EQ(livezAnswer(health, now).status, c.livez);
  EXPECT_EQ(health.healthy(now.steady), c.livez == 200);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, ProxyHealthCases,
    testing::Values(
        HealthCase{"StartingIsHealthy", {}, 1000, 200, 200},
        HealthCase{"NeverSyncedIsHealthyEvenWithAChangeQueuedLongAgo", {{0, Step::Queued}}, 1000, 200, 200},
        HealthCase{"SyncedAndNothingQueued", {{0, Step::Updated}}, 1000, 200, 200},
        HealthCase{"QueuedNotLateYet", {{0, Step::Updated}, {10, Step::Queued}}, 69, 200, 200},
        HealthCase{"QueuedLate", {{0, Step::Updated}, {10, Step::Queued}}, 70, 503, 503},
        HealthCase{"TheOldestQueuedChangeCounts",
                   {{0, Step::Updated}, {10, Step::Queued}, {50, Step::Queued}},
                   75,
                   503,
                   503},
        HealthCase{"AnUpdateClearsTheQueue",
                   {{0, Step::Updated}, {10, Step::Queued}, {80, Step::Updated}},
                   200,
                   200,
                   200},
        HealthCase{"QueuedAgainAfterAnUpdateCountsFromThen",
                   {{0, Step::Updated}, {10, Step::Queued}, {20, Step::Updated}, {30, Step::Queued}},
                   80,
                   200,
                   200},
        HealthCase{
            "NodeBeingDeletedFailsHealthzOnly", {{0, Step::Updated}, {1, Step::Deleting}}, 2, 503, 200},
        HealthCase{"AutoscalerTaintFailsHealthzOnly", {{0, Step::Updated}, {1, Step::Tainted}}, 2, 503, 200},
        HealthCase{"OtherTaintsDoNotCount", {{0, Step::Updated}, {1, Step::OtherTaint}}, 2, 200, 200},
        HealthCase{
            "EligibleAgain", {{0, Step::Updated}, {1, Step::Tainted}, {2, Step::Eligible}}, 3, 200, 200},
        HealthCase{"ApiServerLostNotLongYet", {{0, Step::Updated}, {10, Step::Lost}}, 69, 200, 200},
        HealthCase{"ApiServerLostPastTheBound", {{0, Step::Updated}, {10, Step::Lost}}, 70, 503, 503},
        HealthCase{"PeriodicSyncsDoNotHideALostApiServer",
                   {{0, Step::Updated}, {10, Step::Lost}, {40, Step::Updated}, {70, Step::Updated}},
                   71,
                   503,
                   503},
        HealthCase{"ApiServerBack",
                   {{0, Step::Updated}, {10, Step::Lost}, {100, Step::Back}, {101, Step::Updated}},
                   102,
                   200,
                   200}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(ProxyHealth, HealthzBodyIsKubeProxysJson) {
  ProxyHealth health(kTimeout);
  health.updated(at(seconds(0)));
  EXPECT_EQ(
      healthzAnswer(health, at(seconds(5))),
      (HealthAnswer{.status = 200,
                    .headers = {{"Content-Type", "application/json"}, {"X-Content-Type-Options", "nosniff"}},
                    .body = R"({"lastUpdated": "2023-11-14 22:13:25 +0000 UTC",)"
                            R"("currentTime": "2023-11-14 22:13:25 +0000 UTC", "nodeEligible": true})"}));
  health.queued(at(seconds(10)));
  health.syncNode(nodeWith(true, {}));
  EXPECT_EQ(healthzAnswer(health, at(seconds(100))).body,
            R"({"lastUpdated": "2023-11-14 22:13:20 +0000 UTC",)"
            R"("currentTime": "2023-11-14 22:15:00 +0000 UTC", "nodeEligible": false})");
  EXPECT_EQ(
      livezAnswer(health, at(seconds(100))).body,
      R"({"lastUpdated": "2023-11-14 22:13:20 +0000 UTC","currentTime": "2023-11-14 22:15:00 +0000 UTC"})");
}

TEST(ProxyHealth, TimeoutFollowsReload) {
  ProxyHealth health(kTimeout);
  health.updated(at(seconds(0)));
  health.queued(at(seconds(0)));
  EXPECT_TRUE(health.healthy(at(seconds(30)).steady));
  health.setTimeout(milliseconds(20'000));
  EXPECT_FALSE(health.healthy(at(seconds(30)).steady));
}

TEST(GoTimeString, PrintsLikeGosTimeString) {
  using std::chrono::system_clock;
  EXPECT_EQ(goTimeString(std::nullopt), "0001-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(goTimeString(system_clock::time_point{}), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(goTimeString(system_clock::time_point{} + milliseconds(1'500)),
            "1970-01-01 00:00:01.5 +0000 UTC");
  EXPECT_EQ(goTimeString(system_clock::time_point{} + std::chrono::microseconds(86'400'000'123)),
            "1970-01-02 00:00:00.000123 +0000 UTC");
}

}  // namespace
}  // namespace kipvs::core
