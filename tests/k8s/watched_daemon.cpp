#include "watched_daemon.hpp"

#include "harness.hpp"
#include "test_pki.hpp"

namespace kipvs::k8s::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kSettleRounds = 5000;  // of 3 ms: 15 s at most for one change to arrive

}  // namespace

app::Config WatchedDaemon::defaultConfig() {
  app::Config config;
  config.source = app::SourceKind::Kubernetes;
  config.nodeName = "node-a";
  config.minSyncPeriod = milliseconds(0);
  config.restoreAfter = milliseconds(0);
  return config;
}

WatchedDaemon::WatchedDaemon(app::Config config)
    : config_(std::move(config)),
      server_({.tls = true, .requireClientCert = false, .token = "test-token"},
              [this](const FakeRequest& request, Responder& out) {
                if (!cluster.handle(request, out)) {
                  out.respond(404, statusJson(404, "NotFound", "not found"));
                }
              }) {
  server_.start();
  daemon_ = std::make_unique<app::Daemon>(config_, loop, host.ports(), clock_);
  daemon_->addListener(host.firewallSync);
  queue_ = std::make_unique<EventQueue>([this] {
    loop.post([this] {
      for (auto& event : queue_->drain()) {
        daemon_->handle(std::move(event));
      }
    });
  });
  ClusterConfig api;
  api.server = server_.url();
  api.caPem = TestPki::read(TestPki::get().caCert);
  api.token = "test-token";
  api.origin = "test";
  auto options = Harness::fastOptions();
  options.nodeName = config_.nodeName;
  source_ = std::make_unique<KubeSource>(
      api, options, [this](SourceEvent&& event) { queue_->push(std::move(event)); },
      std::make_shared<FastTiming>());
}

WatchedDaemon::~WatchedDaemon() {
  source_->stop();
  loop.runFor(milliseconds(1));  // events posted while stopping
  daemon_->stop();
  server_.stop();
}

bool WatchedDaemon::start() {
  daemon_->start();
  source_->start();
  return settle() && daemon_->status().ready;
}

bool WatchedDaemon::settle() {
  const auto truth = cluster.truth();
  for (int i = 0; i < kSettleRounds; ++i) {
    loop.runFor(milliseconds(3));
    if (daemon_->status().ready && app::testing::sameObjects(daemon_->snapshot(), truth)) {
      loop.runFor(milliseconds(3));  // the sync the last event scheduled (minSyncPeriod 0: at once)
      return true;
    }
  }
  return false;
}

std::vector<std::string> WatchedDaemon::differences() const {
  return app::testing::differencesFromScratch(*daemon_, host, cluster.truth());
}

}  // namespace kipvs::k8s::testing
