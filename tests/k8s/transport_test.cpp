// Auth and transport against the fake API server over TLS (watch edge cases 41, 43-46).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "script_helpers.hpp"
#include "test_pki.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kipvs-k8s-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

// watch edge case 41: the server rotates to a new token; requests get 401 until the token file is rotated
// too, then the new token is read at once (no waiting for the periodic re-read).
TEST(Transport, RotatedTokenIsPickedUpAfter401) {
  Harness h({.tls = true, .requireClientCert = false, .token = "token-1"});
  TempDir dir;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  ClusterConfig config = h.config();
  config.token.clear();
  config.tokenFile = dir.write("token", "token-1\n").string();
  h.cluster.watchSeconds = 1;
  h.start(Harness::fastOptions(), config);
  ASSERT_TRUE(h.converged());
  h.server.setToken("token-2");
  h.cluster.upsert(ResourceKind::Service, svc("api"));
  ASSERT_TRUE(h.waitUntil([&] { return h.failuresOf(FailureReason::Unauthorized) >= 1; }));
  dir.write("token.new", "token-2\n");
  fs::rename(dir.path / "token.new", dir.path / "token");  // atomic swap, as the kubelet does
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.requests([](auto& r) { return r.header("authorization") == "Bearer token-2"; }) > 0; }));
  h.cluster.upsert(ResourceKind::Service, svc("late"));
  ASSERT_TRUE(h.converged());
  EXPECT_TRUE(hasService(h, "late"));
}

// watch edge case 43: a kubeconfig with a relative CA path and client certificate files (client-cert auth,
// no token) against a server that requires client certificates.
TEST(Transport, KubeconfigWithClientCertificates) {
  Harness h({.tls = true, .requireClientCert = true, .token = ""});
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  const TestPki& pki = TestPki::get();
  TempDir dir;
  fs::copy_file(pki.caCert, dir.path / "ca.crt");
  const auto path = dir.write("kubeconfig",
                              "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                              "contexts: [{name: test, context: {cluster: fake, user: proxy}}]\n"
                              "clusters: [{name: fake, cluster: {server: '" +
                                  h.server.url() +
                                  "', certificate-authority: ca.crt}}]\n"
                                  "users: [{name: proxy, user: {client-certificate: " +
                                  pki.clientCert + ", client-key: " + pki.clientKey + "}}]\n");
  h.start(Harness::fastOptions(), loadKubeconfig(path.string()));
  ASSERT_TRUE(h.converged());
  EXPECT_EQ(h.requests([](auto& r) { return !r.clientCertificate; }), 0U);
}

// TLS verification is on: an unknown CA or a wrong server name never syncs; tls-server-name naming a
// SAN and insecure-skip-tls-verify both work.
TEST(Transport, VerifiesTheServerCertificate) {
  for (const auto& [ca, name, insecure, works] :
       std::vector<std::tuple<std::string, std::string, bool, bool>>{
           {TestPki::get().otherCaCert, "", false, false},
           {TestPki::get().caCert, "wrong.example", false, false},
           {TestPki::get().caCert, "api.kipvs.test", false, true},
           {"", "", true, true}}) {
    Harness h;
    h.cluster.upsert(ResourceKind::Service, svc("web"));
    ClusterConfig config = h.config();
    config.caPem = ca.empty() ? "" : TestPki::read(ca);
    config.tlsServerName = name;
    config.insecureSkipTlsVerify = insecure;
    h.start(Harness::fastOptions(), config);
    if (works) {
      EXPECT_TRUE(h.converged()) << name;
    } else {
      ASSERT_TRUE(h.waitUntil([&] { return h.failuresOf(FailureReason::ConnectionFailure) >= 2; })) << name;
      EXPECT_EQ(h.requests([](auto&) { return true; }), 0U) << name;
      const std::lock_guard lock(h.mutex);
      EXPECT_FALSE(h.subscription->synced());
    }
  }
}

// watch edge case 44: 429 with Retry-After and a plain-text body on LIST and on WATCH start; 503 shutting
// down with Retry-After: 1; 5xx without Retry-After backs off.
TEST(Transport, ThrottlingAndServerErrorsAreRetriedAsTold) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  auto calls = std::make_shared<std::atomic<int>>(0);
  h.setScript([calls](const FakeRequest& r, Responder& out) {
    if (r.path != collectionPath(ResourceKind::Service)) {
      return false;
    }
    switch ((*calls)++) {
      case 0:
        out.respond(429, "Too many requests, please try again later.\n", "text/plain",
                    {{"Retry-After", "3"}});
        return true;
      case 1:
        out.respond(503, statusJson(503, "ServiceUnavailable", "apiserver is shutting down"),
                    "application/json", {{"Retry-After", "1"}});
        return true;
      case 2:
        out.respond(500, statusJson(500, "InternalError", "etcd leader changed"));
        return true;
      case 4:  // the first watch
        out.respond(429, "Too many requests, please try again later.\n", "text/plain",
                    {{"Retry-After", "4"}});
        return true;
      default:
        return false;
    }
  });
  h.start();
  ASSERT_TRUE(h.converged());
  ASSERT_TRUE(h.waitUntil([&] { return *calls >= 6; }));
  const auto sleeps = h.timing->sleeps();
  // Retry-After when it is longer than the backoff (3 s), the backoff (growing 0.8 s × 2ⁿ × 1.5 jitter)
  // when it is longer than Retry-After.
  for (const auto expected :
       {milliseconds(3000), milliseconds(2400), milliseconds(4800), milliseconds(9600)}) {
    EXPECT_NE(std::find(sleeps.begin(), sleeps.end(), expected), sleeps.end()) << expected.count();
  }
  const std::lock_guard lock(h.mutex);
  EXPECT_GE(h.failuresOf(FailureReason::Throttled), 2U);
  EXPECT_GE(h.failuresOf(FailureReason::ServerError), 2U);
}

// watch edge case 45: a half-open connection (no data, no FIN) is detected by the read deadline and the watch
// is re-established from the last RV.
TEST(Transport, StalledWatchIsAbandonedAtTheDeadline) {
  Harness h;
  h.cluster.upsert(ResourceKind::Service, svc("web"));
  h.setScript(scripted(serviceWatch(), [](const FakeRequest&, Responder& out) {
    out.beginChunked();
    out.pause(std::chrono::seconds(20));  // silence until the server stops
  }));
  SourceOptions options = Harness::fastOptions();
  options.watcher.idleMargin = milliseconds(200);
  h.start(options);
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.requests([](auto& r) { return Harness::isWatch(r, ResourceKind::Service); }) >= 2; }));
  h.cluster.upsert(ResourceKind::Service, svc("api"));
  ASSERT_TRUE(h.converged());
  const std::lock_guard lock(h.mutex);
  EXPECT_GE(h.failuresOf(FailureReason::ConnectionFailure), 1U);
}

}  // namespace
}  // namespace kipvs::k8s::testing
