#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace kipvs::app {
namespace {

TEST(CommandLine, MapsOptionsToConfigOverridesInOrder) {
  const auto cli = parseCommandLine(
      {"--config", "/tmp/k.conf", "--static-dir=/srv/m", "--node-name", "n1", "-v", "--set", "scheduler=lc"});
  EXPECT_TRUE(cli.error.empty()) << cli.error;
  EXPECT_EQ(cli.configFile, "/tmp/k.conf");
  EXPECT_EQ(cli.overrides, (std::vector<std::string>{"static-dir=/srv/m", "node-name=n1", "log-level=debug",
                                                     "scheduler=lc"}));
}

TEST(CommandLine, RejectsUnknownArgumentsAndMissingValues) {
  EXPECT_EQ(parseCommandLine({"--frobnicate"}).error, "unknown argument \"--frobnicate\"");
  EXPECT_EQ(parseCommandLine({"--node-name"}).error, "--node-name needs a value");
}

TEST(CommandLine, RecognisesModes) {
  EXPECT_TRUE(parseCommandLine({"--help"}).help);
  EXPECT_TRUE(parseCommandLine({"--version"}).version);
  EXPECT_TRUE(parseCommandLine({"--check-config"}).checkConfig);
  EXPECT_FALSE(parseCommandLine({}).help);
}

}  // namespace
}  // namespace kipvs::app
