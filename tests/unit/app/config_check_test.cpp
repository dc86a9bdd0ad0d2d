// The configuration as `kipvsd --check-config` and a reload see it: every problem named with its key
// and file:line, the checks across keys and against the host, the effective configuration with the
// origin of each value, and the keys a reload cannot apply.

#include "app/config_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kipvs::app {
namespace {

using ::testing::HasSubstr;

class ConfigCheck : public ::testing::Test {
 protected:
  ConfigCheck() {
    char pattern[] = "/tmp/kipvs-config-check-XXXXXX";
    dir_ = mkdtemp(pattern);
    host_.inCluster = {.tokenFile = (dir_ / "token").string(), .caFile = (dir_ / "ca.crt").string()};
  }
  ~ConfigCheck() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  // The one error loading `text` gives, as printed.
  std::vector<std::string> problems(const std::string& text) {
    const auto loaded = loadConfiguration(write("kipvsd.conf", text), true, {}, host_);
    EXPECT_FALSE(loaded.config.has_value());
    std::vector<std::string> lines;
    for (const auto& error : loaded.errors) {
      lines.push_back(error.toString());
    }
    return lines;
  }

  std::filesystem::path dir_;
  HostFiles host_;
};

TEST_F(ConfigCheck, EachBadValueIsRefusedWithItsKeyAndFileLine) {
  const auto conf = (dir_ / "kipvsd.conf").string();
  EXPECT_THAT(problems("[kipvsd]\nscheduler = foo\n"),
              ::testing::ElementsAre(HasSubstr(conf + ":2: scheduler: expected an IPVS scheduler")));
  EXPECT_THAT(problems("[kipvsd]\n\nmin-sync-period = 1m\n"),
              ::testing::ElementsAre(conf + ":3: min-sync-period: 1m is longer than sync-period (30s)"));
  EXPECT_THAT(
      problems("[kipvsd]\napi-server = not a url\n"),
      ::testing::ElementsAre(conf + ":2: api-server: expected a URL such as https://10.0.0.1:6443, got "
                                    "\"not a url\""));
  EXPECT_THAT(problems("[kipvsd]\nkubeconfig = /nonexistent\n"),
              ::testing::ElementsAre(conf + ":2: kubeconfig: /nonexistent does not exist or cannot be read"));
  EXPECT_THAT(problems("[kipvsd]\nsource = kubernetes\n"),
              ::testing::ElementsAre(HasSubstr(conf + ":2: source: kubernetes needs a kubeconfig, or the "
                                                      "in-cluster service account")));
  // Several problems: all of them, not only the first.
  EXPECT_EQ(problems("[kipvsd]\nscheduler = foo\nkubeconfig = /nonexistent\n").size(), 2U);
}

TEST_F(ConfigCheck, ANamedConfigFileMustExistTheDefaultOneNeedNot) {
  auto loaded = loadConfiguration(dir_ / "missing.conf", true, {}, host_);
  ASSERT_EQ(loaded.errors.size(), 1U);
  EXPECT_EQ(loaded.errors[0].toString(),
            (dir_ / "missing.conf").string() + ": no such file (named with --config)");
  loaded = loadConfiguration(dir_ / "missing.conf", false, {}, host_);
  EXPECT_TRUE(loaded.config.has_value());
}

TEST_F(ConfigCheck, GoodValuesPass) {
  write("token", "t");
  write("ca.crt", "c");
  const auto kubeconfig = write("kubeconfig", "apiVersion: v1\n");
  for (const auto& text : {"[kipvsd]\nscheduler = mh\nmin-sync-period = 30s\n",
                           "[kipvsd]\nsource = kubernetes\napi-server = https://[fd00::1]:6443\n",
                           "[kipvsd]\napi-server = https://api.example.org\n"}) {
    const auto loaded = loadConfiguration(write("kipvsd.conf", text), true, {}, host_);
    EXPECT_TRUE(loaded.config.has_value())
        << text << (loaded.errors.empty() ? "" : loaded.errors[0].toString());
  }
  const auto loaded = loadConfiguration(write("kipvsd.conf", "[kipvsd]\nsource = kubernetes\n"), true,
                                        {"kubeconfig=" + kubeconfig.string()}, {});
  EXPECT_TRUE(loaded.config.has_value());
  // In-cluster without api-server: the kubernetes ClusterIP is what kipvs implements.
  EXPECT_THAT(problems("[kipvsd]\nsource = kubernetes\n"), ::testing::ElementsAre(HasSubstr("api-server: ")));
}

TEST_F(ConfigCheck, TheEffectiveConfigurationShowsEveryKeyAndWhereItCameFrom) {
  const auto file = write("kipvsd.conf", "[kipvsd]\nscheduler = wrr\n");
  std::filesystem::create_directory(dir_ / "kipvsd.conf.d");
  const auto dropIn = write("kipvsd.conf.d/50-sync.conf", "[kipvsd]\n# comment\nsync-period = 1m\n");
  const auto loaded = loadConfiguration(file, true, {"node-name=node-a"}, host_);
  ASSERT_TRUE(loaded.config.has_value());
  std::ostringstream out;
  printConfig(out, *loaded.config, loaded.origins);
  const auto text = out.str();
  EXPECT_THAT(text, ::testing::ContainsRegex("\nscheduler = wrr +# " + file.string() + ":2\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nsync-period = 1m +# " + dropIn.string() + ":3\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nnode-name = node-a +# command line, restart to change\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nmin-sync-period = 1s +# default\n"));
  for (const auto& entry : describeConfig(Config{})) {
    EXPECT_THAT(text, HasSubstr("\n" + entry.key + " = ")) << entry.key;
  }
}

TEST(ConfigReload, RestartOnlyKeysAreReportedReloadableOnesAreNot) {
  Config running;
  Config next = running;
  next.scheduler = "lc";
  next.syncPeriod = std::chrono::minutes(1);
  next.kubeconfig = "/etc/kubernetes/kubelet.conf";
  next.apiServer = "https://10.0.0.1:6443";
  next.proxyName = "kipvs";
  next.bus = BusKind::None;
  next.stateDir = "/srv/kipvs";
  EXPECT_THAT(restartOnlyChanges(running, next),
              ::testing::ElementsAre("kubeconfig", "api-server", "proxy-name", "state-dir", "dbus"));
  EXPECT_TRUE(restartOnlyChanges(running, running).empty());
}

TEST(ConfigReload, DurationsPrintAsTheyAreWritten) {
  for (const auto* text : {"0s", "500ms", "1s", "30s", "15m", "1h", "90s"}) {
    EXPECT_EQ(formatDuration(*parseDuration(text)), text);
  }
}

}  // namespace
}  // namespace kipvs::app
