#include "app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace kipvs::app {
namespace {

using std::chrono::milliseconds;

TEST(Config, DefaultsAreTheDocumentedOnes) {
  const Config config;
  EXPECT_EQ(config.source, SourceKind::Static);
  EXPECT_EQ(config.scheduler, "rr");
  EXPECT_EQ(config.syncPeriod, milliseconds(30'000));
  EXPECT_EQ(config.minSyncPeriod, milliseconds(1'000));
  EXPECT_EQ(config.stateDir, "/var/lib/kipvs");
  EXPECT_EQ(config.restoreAfter, milliseconds(10'000));
  EXPECT_EQ(config.healthzBindAddress, "0.0.0.0:10256");
  EXPECT_EQ(lastKnownGoodPath(config), "/var/lib/kipvs/last-known-good.json");
}

TEST(Config, RestoreAfterTakesADurationAndZeroDisablesIt) {
  Config config;
  EXPECT_FALSE(applyConfigOverride(config, "restore-after=45s").has_value());
  EXPECT_EQ(config.restoreAfter, milliseconds(45'000));
  EXPECT_FALSE(applyConfigOverride(config, "restore-after=0s").has_value());
  EXPECT_EQ(config.restoreAfter, milliseconds(0));
  EXPECT_TRUE(applyConfigOverride(config, "restore-after=soon").has_value());
}

TEST(Config, TakeoverIsNoneByDefaultAndKubeProxyOnRequest) {
  Config config;
  EXPECT_EQ(config.takeover, TakeoverKind::None);
  EXPECT_FALSE(applyConfigOverride(config, "takeover=kube-proxy").has_value());
  EXPECT_EQ(config.takeover, TakeoverKind::KubeProxy);
  EXPECT_FALSE(applyConfigOverride(config, "takeover=none").has_value());
  EXPECT_EQ(config.takeover, TakeoverKind::None);
  EXPECT_TRUE(applyConfigOverride(config, "takeover=calico").has_value());
}

TEST(Config, AppliesEveryKindOfValue) {
  Config config;
  const auto errors = applyConfigText(config, R"(
# comment
[kipvsd]
source = kubernetes
node-name = node-a
scheduler=wrr
sync-period = 1m
min-sync-period = 250ms
cluster-cidr = 10.244.0.0/16, fd00:10:244::/56
strict-arp = yes
udp-timeout = 300s
log-level = debug
)",
                                      "test.conf");
  EXPECT_TRUE(errors.empty()) << errors.front().toString();
  EXPECT_EQ(config.source, SourceKind::Kubernetes);
  EXPECT_EQ(config.nodeName, "node-a");
  EXPECT_EQ(config.scheduler, "wrr");
  EXPECT_EQ(config.syncPeriod, milliseconds(60'000));
  EXPECT_EQ(config.minSyncPeriod, milliseconds(250));
  ASSERT_EQ(config.clusterCidrs.size(), 2U);
  EXPECT_EQ(config.clusterCidrs[1].toString(), "fd00:10:244::/56");
  EXPECT_TRUE(config.strictArp);
  EXPECT_EQ(config.udpTimeoutSeconds, 300U);
  EXPECT_EQ(config.logLevel, log::Level::Debug);
}

TEST(Config, ReportsEachBadLineAndKeepsTheRest) {
  Config config;
  const auto errors = applyConfigText(
      config, "[kipvsd]\nsync-period = soon\nbogus = 1\nscheduler = lc\nnoequals\n", "bad.conf");
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_EQ(errors[0].toString(), "bad.conf:2: sync-period: expected a duration such as 30s, got \"soon\"");
  EXPECT_EQ(errors[1].line, 3);
  EXPECT_EQ(errors[2].line, 5);
  EXPECT_EQ(config.syncPeriod, milliseconds(30'000));
  EXPECT_EQ(config.scheduler, "lc");
}

TEST(Config, RejectsKeysOutsideTheSection) {
  Config config;
  const auto errors = applyConfigText(config, "scheduler = lc\n[other]\nscheduler = sh\n", "x.conf");
  EXPECT_EQ(errors.size(), 3U);
  EXPECT_EQ(config.scheduler, "rr");
}

TEST(Config, OverridesFromTheCommandLine) {
  Config config;
  EXPECT_FALSE(applyConfigOverride(config, "scheduler=sh"));
  EXPECT_EQ(config.scheduler, "sh");
  EXPECT_TRUE(applyConfigOverride(config, "scheduler"));
  EXPECT_TRUE(applyConfigOverride(config, "tcp-timeout=1500ms"));
}

TEST(Config, HealthzBindAddressTakesHostPortOrEmpty) {
  Config config;
  EXPECT_FALSE(applyConfigOverride(config, "healthz-bind-address=[::]:10256"));
  EXPECT_EQ(config.healthzBindAddress, "[::]:10256");
  EXPECT_FALSE(applyConfigOverride(config, "healthz-bind-address="));
  EXPECT_EQ(config.healthzBindAddress, "");
  for (const char* bad : {"healthz-bind-address=10256", "healthz-bind-address=localhost:10256",
                          "healthz-bind-address=::1:10256", "healthz-bind-address=0.0.0.0:70000"}) {
    EXPECT_TRUE(applyConfigOverride(config, bad)) << bad;
  }
  EXPECT_EQ(config.healthzBindAddress, "");
}

TEST(Config, DropInsApplyInLexicalOrderAfterTheMainFile) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "kipvs-config-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "kipvsd.conf.d");
  std::ofstream(dir / "kipvsd.conf") << "[kipvsd]\nscheduler = lc\nnode-name = main\n";
  std::ofstream(dir / "kipvsd.conf.d" / "20-b.conf") << "[kipvsd]\nscheduler = sh\n";
  std::ofstream(dir / "kipvsd.conf.d" / "10-a.conf") << "[kipvsd]\nscheduler = wrr\nnode-name = dropin\n";
  std::ofstream(dir / "kipvsd.conf.d" / "30-ignored.txt") << "[kipvsd]\nscheduler = nq\n";
  Config config;
  EXPECT_TRUE(loadConfigFiles(config, dir / "kipvsd.conf").empty());
  EXPECT_EQ(config.scheduler, "sh");
  EXPECT_EQ(config.nodeName, "dropin");
}

TEST(Config, MissingFilesAreNotAnError) {
  Config config;
  EXPECT_TRUE(loadConfigFiles(config, "/nonexistent/kipvsd.conf").empty());
  EXPECT_EQ(config, Config{});
}

TEST(ParseDuration, AcceptsUnitsAndRejectsGarbage) {
  EXPECT_EQ(parseDuration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parseDuration("0s"), milliseconds(0));
  for (const char* text : {"", "s", "10", "10x", "-1s", "1.5s", "99999999999999999999h"}) {
    EXPECT_FALSE(parseDuration(text)) << text;
  }
}

}  // namespace
}  // namespace kipvs::app

namespace kipvs::app {
namespace {

TEST(Config, MetricsListenOnLoopbackByDefault) {
  EXPECT_EQ(Config{}.metricsBindAddress, "127.0.0.1:10249");
}

struct BindAddressCase {
  const char* value;
  bool accepted;
};

class MetricsBindAddressTest : public ::testing::TestWithParam<BindAddressCase> {};

TEST_P(MetricsBindAddressTest, TakesHostAndPortOrNothing) {
  Config config;
  const auto error = applyConfigOverride(config, std::string("metrics-bind-address=") + GetParam().value);
  EXPECT_EQ(!error.has_value(), GetParam().accepted) << GetParam().value;
  EXPECT_EQ(config.metricsBindAddress, GetParam().accepted ? GetParam().value : "127.0.0.1:10249");
}

INSTANTIATE_TEST_SUITE_P(
    Values, MetricsBindAddressTest,
    ::testing::Values(BindAddressCase{"0.0.0.0:10249", true}, BindAddressCase{"[::]:10249", true},
                      BindAddressCase{"[fd00::1]:9100", true}, BindAddressCase{"", true},
                      BindAddressCase{"127.0.0.1", false}, BindAddressCase{"127.0.0.1:65536", false},
                      BindAddressCase{"localhost:10249", false}, BindAddressCase{"::1:10249", false},
                      BindAddressCase{"[10.0.0.1]:10249", false}, BindAddressCase{"10.0.0.1:http", false}));

}  // namespace
}  // namespace kipvs::app
