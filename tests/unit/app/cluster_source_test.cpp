#include "app/cluster_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kipvs::app {
namespace {

TEST(MissingCredentials, SaysSoWithoutKubeconfigAndWithoutInClusterFiles) {
  Config config;
  config.source = SourceKind::Kubernetes;
  const auto problem =
      missingCredentials(config, {.tokenFile = "/nonexistent/token", .caFile = "/nonexistent/ca.crt"});
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("no kubeconfig is set"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("/nonexistent/token"), std::string::npos) << *problem;
}

TEST(MissingCredentials, NamesAKubeconfigThatIsNotThere) {
  Config config;
  config.source = SourceKind::Kubernetes;
  config.kubeconfig = "/nonexistent/kubeconfig";
  const auto problem = missingCredentials(config);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("/nonexistent/kubeconfig does not exist"), std::string::npos) << *problem;
}

TEST(MissingCredentials, IsQuietWithInClusterFilesOrAKubeconfigOrTheStaticSource) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "kipvs-credentials";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "t";
  std::ofstream(dir / "ca.crt") << "c";
  std::ofstream(dir / "kubeconfig") << "apiVersion: v1\n";
  Config config;
  config.source = SourceKind::Kubernetes;
  EXPECT_FALSE(missingCredentials(
      config, {.tokenFile = (dir / "token").string(), .caFile = (dir / "ca.crt").string()}));
  config.kubeconfig = dir / "kubeconfig";
  EXPECT_FALSE(missingCredentials(config));
  config.source = SourceKind::Static;
  config.kubeconfig.clear();
  EXPECT_FALSE(missingCredentials(config, {.tokenFile = "/nonexistent", .caFile = "/nonexistent"}));
}

}  // namespace
}  // namespace kipvs::app
