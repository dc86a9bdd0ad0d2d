// Connection config: kubeconfig, in-cluster, token reload (client-go rest/config.go, tools/clientcmd, watch
// edge cases 41-43).

#include "k8s/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kipvs::k8s {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kipvs-config-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name) << text;
    return path_ / name;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string kubeconfig(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: main\n"
         "contexts:\n- name: main\n  context: {cluster: c1, user: u1}\n"
         "- name: other\n  context: {cluster: c2, user: u1}\n"
         "clusters:\n- name: c1\n  cluster:\n" +
         cluster + "- name: c2\n  cluster:\n    server: https://other:6443\n" +
         "users:\n- name: u1\n  user:\n" + user;
}

// watch edge case 43: both certificate-authority and -data (data wins), relative paths, token + tokenFile.
TEST(Kubeconfig, DataWinsOverFileAndRelativePathsResolveAgainstTheKubeconfig) {
  TempDir dir;
  dir.write("pki/ca.crt", "FILE-CA");
  dir.write("pki/client.crt", "FILE-CERT");
  dir.write("pki/client.key", "FILE-KEY");
  const auto path = dir.write("conf/kubeconfig",
                              kubeconfig("    server: https://10.0.0.1:6443\n"
                                         "    certificate-authority: ../pki/ca.crt\n"
                                         "    certificate-authority-data: REFUQS1DQQ==\n"  // "DATA-CA"
                                         "    tls-server-name: api.internal\n",
                                         "    client-certificate: ../pki/client.crt\n"
                                         "    client-key: ../pki/client.key\n"
                                         "    token: static-token\n"
                                         "    tokenFile: ../pki/token\n"));
  const ClusterConfig config = loadKubeconfig(path.string());
  EXPECT_EQ(config.server, "https://10.0.0.1:6443");
  EXPECT_EQ(config.caPem, "DATA-CA");
  EXPECT_EQ(config.tlsServerName, "api.internal");
  EXPECT_EQ(config.clientCertPem, "FILE-CERT");
  EXPECT_EQ(config.clientKeyPem, "FILE-KEY");
  EXPECT_EQ(config.token, "static-token");
  EXPECT_TRUE(config.tokenFile.empty());  // token wins over tokenFile
  EXPECT_FALSE(config.insecureSkipTlsVerify);

  const ClusterConfig other = loadKubeconfig(path.string(), "other");
  EXPECT_EQ(other.server, "https://other:6443");
}

TEST(Kubeconfig, TokenFileResolvesRelativeToTheKubeconfig) {
  TempDir dir;
  const auto path =
      dir.write("kubeconfig", kubeconfig("    server: https://api:6443\n", "    tokenFile: sa/token\n"));
  EXPECT_EQ(loadKubeconfig(path.string()).tokenFile, (dir.path() / "sa/token").string());
}

// watch edge case 43: insecure-skip-tls-verify together with a CA is an error.
TEST(Kubeconfig, RejectsInsecureTogetherWithACa) {
  TempDir dir;
  const auto path = dir.write("kubeconfig", kubeconfig("    server: https://api:6443\n"
                                                       "    certificate-authority-data: REFUQS1DQQ==\n"
                                                       "    insecure-skip-tls-verify: true\n",
                                                       "    token: t\n"));
  EXPECT_THROW(loadKubeconfig(path.string()), ConfigError);
}

TEST(Kubeconfig, ReportsMissingPiecesClearly) {
  TempDir dir;
  const auto noContext = dir.write("a", "apiVersion: v1\nclusters: []\n");
  EXPECT_THROW(loadKubeconfig(noContext.string()), ConfigError);
  EXPECT_THROW(loadKubeconfig((dir.path() / "missing").string()), ConfigError);
  const auto path = dir.write("b", kubeconfig("    server: https://api:6443\n", "    token: t\n"));
  try {
    loadKubeconfig(path.string(), "nope");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("\"nope\""), std::string::npos);
  }
}

// Found by the kubeconfig fuzzer: yaml-cpp's own exceptions escaped, naming neither file nor field.
TEST(Kubeconfig, AFieldOfTheWrongShapeIsAConfigError) {
  for (const char* text :
       {"just a scalar", "current-context: [a]\n",
        "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
        "clusters: [{name: c, cluster: {server: s, insecure-skip-tls-verify: maybe}}]\n"}) {
    try {
      parseKubeconfig(text, "/etc/kipvs/kubeconfig");
      FAIL() << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("/etc/kipvs/kubeconfig"), std::string::npos) << e.what();
    }
  }
}

// watch edge case 42: an IPv6 KUBERNETES_SERVICE_HOST is bracketed; an explicit server wins.
TEST(InCluster, BracketsIpv6HostsAndPrefersAnExplicitServer) {
  TempDir dir;
  const InClusterPaths paths{.tokenFile = dir.write("token", "tok\n").string(),
                             .caFile = dir.write("ca.crt", "CA").string()};
  const auto env = [](const char* name) -> const char* {
    return std::string(name) == "KUBERNETES_SERVICE_HOST" ? "fd00:10:96::1" : "443";
  };
  const ClusterConfig config = inClusterConfig(env, {}, paths);
  EXPECT_EQ(config.server, "https://[fd00:10:96::1]:443");
  EXPECT_EQ(config.caPem, "CA");
  EXPECT_EQ(config.tokenFile, paths.tokenFile);
  EXPECT_EQ(inClusterConfig(env, "https://192.0.2.1:6443", paths).server, "https://192.0.2.1:6443");
  EXPECT_THROW(inClusterConfig([](const char*) -> const char* { return nullptr; }, {}, paths), ConfigError);
  EXPECT_EQ(joinHostPort("10.0.0.1", "6443"), "https://10.0.0.1:6443");
}

// watch edge case 41: rotated token used within the period; at once after a 401; empty file keeps the old
// one.
TEST(TokenSource, RereadsAtMostOncePerPeriodAndAtOnceAfterInvalidate) {
  TempDir dir;
  auto now = std::chrono::steady_clock::time_point{};
  const auto file = dir.write("token", "first\n");
  TokenSource source({}, file.string(), [&] { return now; });
  EXPECT_EQ(source.token(), "first");
  // Rotation as the kubelet does it: a new file swapped in through a symlink.
  dir.write("token-2", "  second \n");
  fs::remove(file);
  fs::create_symlink(dir.path() / "token-2", file);
  now += std::chrono::seconds(30);
  EXPECT_EQ(source.token(), "first");
  now += std::chrono::seconds(31);
  EXPECT_EQ(source.token(), "second");
  dir.write("token-2", "third");
  source.invalidate();
  EXPECT_EQ(source.token(), "third");
  dir.write("token-2", "");
  source.invalidate();
  EXPECT_EQ(source.token(), "third");
  fs::remove(file);
  source.invalidate();
  EXPECT_EQ(source.token(), "third");
}

TEST(TokenSource, StaticTokenNeverReadsAFileAndMissingFileFailsUntilItAppears) {
  TokenSource fixed("abc", "/nonexistent");
  EXPECT_EQ(fixed.token(), "abc");
  TempDir dir;
  TokenSource missing({}, (dir.path() / "token").string());
  EXPECT_THROW(missing.token(), ConfigError);
  dir.write("token", "late");
  EXPECT_EQ(missing.token(), "late");
}

}  // namespace
}  // namespace kipvs::k8s
