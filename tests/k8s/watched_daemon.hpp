#pragma once

// kipvsd's Daemon fed by the real KubeSource from a fake API server over real HTTPS, on fake host ports:
// the whole watch path (HTTP watch stream, decoder, cache, subscription, pacer, reconciler, firewall
// deriver) as one piece, for tests that change objects on the server and compare what the daemon
// programmed with a from-scratch computation of the server's objects.

#include <memory>
#include <string>
#include <vector>

#include "../unit/app/scratch_compare.hpp"
#include "app/daemon.hpp"
#include "app/event_loop.hpp"
#include "fake_api_server.hpp"
#include "fake_cluster.hpp"
#include "k8s/kube_source.hpp"

namespace kipvs::k8s::testing {

class WatchedDaemon {
 public:
  explicit WatchedDaemon(app::Config config = defaultConfig());
  ~WatchedDaemon();
  WatchedDaemon(const WatchedDaemon&) = delete;
  WatchedDaemon& operator=(const WatchedDaemon&) = delete;

  static app::Config defaultConfig();  // node-a, kubernetes source, syncs as soon as events arrive

  // Starts the daemon and the source; true once the first sync of the server's objects ran.
  bool start();
  // Turns the loop until the daemon's cache holds the server's objects and the syncs they caused ran.
  bool settle();
  // What differs between the daemon's node and a from-scratch run over the server's objects.
  std::vector<std::string> differences() const;

  app::Daemon& daemon() { return *daemon_; }

 private:
  app::Config config_;

 public:
  FakeCluster cluster;
  app::testing::FakeHost host{config_};
  app::EventLoop loop;

 private:
  FakeApiServer server_;
  core::SteadyClock clock_;
  std::unique_ptr<app::Daemon> daemon_;
  std::unique_ptr<EventQueue> queue_;
  std::unique_ptr<KubeSource> source_;
};

}  // namespace kipvs::k8s::testing
