#pragma once

// A fake API server + FakeCluster + the real KubeSource/ClusterSubscription under test, with timing
// that records backoff waits instead of sleeping them.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "fake_api_server.hpp"
#include "fake_cluster.hpp"
#include "k8s/kube_source.hpp"
#include "k8s/subscription.hpp"

namespace kipvs::k8s::testing {

class FastTiming final : public Timing {
 public:
  Clock::time_point now() override { return Clock::now(); }
  bool sleepFor(std::chrono::milliseconds duration) override;
  void interrupt() override { interrupted_ = true; }
  double random() override { return 0.5; }
  std::vector<std::chrono::milliseconds> sleeps() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::atomic<bool> interrupted_{false};
};

class Harness : public SubscriptionCallbacks {
 public:
  using Script = std::function<bool(const FakeRequest&, Responder&)>;  // true: handled

  explicit Harness(ServerOptions options = {.tls = true, .requireClientCert = false, .token = "test-token"});
  ~Harness() override;

  static SourceOptions fastOptions();
  ClusterConfig config() const;  // the fake server, its CA, the token
  void setScript(Script script);
  void start(const SourceOptions& options = fastOptions());
  void start(const SourceOptions& options, const ClusterConfig& config);
  void stopSource();

  // Polls `predicate` (under the subscription lock) for up to 15 s.
  bool waitUntil(const std::function<bool()>& predicate);
  // Synced and equal to the server's truth (services, joined slices, node).
  bool converged();
  bool convergedLocked() const;

  std::size_t requests(const std::function<bool(const FakeRequest&)>& match) const {
    return server.count(match);
  }
  static bool isList(const FakeRequest& r, ResourceKind kind);
  static bool isWatch(const FakeRequest& r, ResourceKind kind);

  void onSnapshot(const core::ClusterSnapshot& snapshot) override;
  void onDelta(const core::ClusterSnapshot& snapshot, const Delta& delta) override;
  void onFailure(FailureReason reason, const std::string& detail) override;

  FakeCluster cluster;
  FakeApiServer server;
  std::shared_ptr<FastTiming> timing = std::make_shared<FastTiming>();
  mutable std::mutex mutex;
  std::unique_ptr<ClusterSubscription> subscription;
  std::unique_ptr<KubeSource> source;
  int snapshots = 0;
  std::vector<Delta> deltas;
  std::vector<std::pair<FailureReason, std::string>> failures;
  std::size_t failuresOf(FailureReason reason) const;

 private:
  std::mutex scriptMutex_;
  Script script_;
};

}  // namespace kipvs::k8s::testing
