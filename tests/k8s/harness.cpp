#include "harness.hpp"

#include <thread>

#include "test_pki.hpp"

namespace kipvs::k8s::testing {

bool FastTiming::sleepFor(std::chrono::milliseconds duration) {
  {
    const std::lock_guard lock(mutex_);
    sleeps_.push_back(duration);
  }
  std::this_thread::sleep_for(std::min(duration, std::chrono::milliseconds(5)));
  return !interrupted_;
}

std::vector<std::chrono::milliseconds> FastTiming::sleeps() const {
  const std::lock_guard lock(mutex_);
  return sleeps_;
}

Harness::Harness(ServerOptions options)
    : server(std::move(options), [this](const FakeRequest& request, Responder& out) {
        Script script;
        {
          const std::lock_guard lock(scriptMutex_);
          script = script_;
        }
        if (script && script(request, out)) {
          return;
        }
        if (!cluster.handle(request, out)) {
          out.respond(404, statusJson(404, "NotFound", "the server could not find the requested resource"));
        }
      }) {
  server.start();
}

Harness::~Harness() {
  stopSource();
  server.stop();
}

SourceOptions Harness::fastOptions() {
  SourceOptions options;
  options.watcher.minWatchTimeout = std::chrono::seconds(1);
  options.watcher.idleMargin = std::chrono::milliseconds(1500);
  options.watcher.listIdleTimeout = std::chrono::milliseconds(3000);
  options.watcher.pageSize = 2;
  return options;
}

ClusterConfig Harness::config() const {
  ClusterConfig config;
  config.server = server.url();
  config.caPem = TestPki::read(TestPki::get().caCert);
  config.token = "test-token";
  config.origin = "test";
  return config;
}

void Harness::setScript(Script script) {
  const std::lock_guard lock(scriptMutex_);
  script_ = std::move(script);
}

void Harness::start(const SourceOptions& options) {
  start(options, config());
}

void Harness::start(const SourceOptions& options, const ClusterConfig& config) {
  source = std::make_unique<KubeSource>(
      config, options,
      [this](SourceEvent&& event) {
        const std::lock_guard lock(mutex);
        subscription->handle(std::move(event));
      },
      timing);
  {
    const std::lock_guard lock(mutex);
    subscription = std::make_unique<ClusterSubscription>(*this, source->resources());
  }
  source->start();
}

void Harness::stopSource() {
  if (source) {
    source->stop();
    source.reset();
  }
}

bool Harness::waitUntil(const std::function<bool()>& predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      const std::lock_guard lock(mutex);
      if (predicate()) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

bool Harness::convergedLocked() const {
  if (!subscription || !subscription->synced()) {
    return false;
  }
  const core::ClusterSnapshot truth = cluster.truth();
  const core::ClusterSnapshot& mine = subscription->cache().snapshot();
  return mine.services == truth.services && mine.slicesByService == truth.slicesByService &&
         (mine.node == truth.node || source->resources().count(ResourceKind::Node) == 0);
}

bool Harness::converged() {
  return waitUntil([this] { return convergedLocked(); });
}

bool Harness::isList(const FakeRequest& r, ResourceKind kind) {
  return r.path == collectionPath(kind) && !r.isWatch();
}

bool Harness::isWatch(const FakeRequest& r, ResourceKind kind) {
  return r.path == collectionPath(kind) && r.isWatch();
}

void Harness::onSnapshot(const core::ClusterSnapshot&) {
  ++snapshots;
}

void Harness::onDelta(const core::ClusterSnapshot&, const Delta& delta) {
  deltas.push_back(delta);
}

void Harness::onFailure(FailureReason reason, const std::string& detail) {
  failures.emplace_back(reason, detail);
}

std::size_t Harness::failuresOf(FailureReason reason) const {
  std::size_t n = 0;
  for (const auto& failure : failures) {
    n += failure.first == reason ? 1 : 0;
  }
  return n;
}

}  // namespace kipvs::k8s::testing
