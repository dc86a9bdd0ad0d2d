#pragma once

// The publisher on a real bus connection, driven by BusPump from a poll loop on its own thread — the
// same single-threaded shape the daemon uses. Tests act on the publisher through run(), which executes
// on the loop thread and waits.

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bus/publisher.hpp"
#include "core/desired_state.hpp"
#include "fake_control.hpp"

namespace kipvs::test {

class TestServer {
 public:
  // Connects to `address`, publishes `initial` with knownStatus(), then requests the bus name. Calls go
  // to `control` (the real app::DaemonControl in tests/bus/daemon_control_test.cpp), else to control().
  TestServer(std::string address, core::DesiredState initial, core::ControlPort* control = nullptr);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  void run(std::function<void(bus::SdbusPublisher&)> task);
  // Publishes `state` on the loop thread and keeps it alive, as the daemon keeps its desired state
  // (the publisher reads from it until the next publish).
  // `touched`: as SdbusPublisher::publish (null compares every service).
  bus::SdbusPublisher::Changes publish(core::DesiredState state, const core::SyncSummary& summary,
                                       const std::set<core::VirtualServiceKey>* touched = nullptr);
  FakeControl& control() { return control_; }

 private:
  void loop(const std::string& address, core::DesiredState initial);
  void post(std::function<void()> task);

  FakeControl control_;
  core::ControlPort& answering_;
  int wakeFd_ = -1;
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  bool stop_ = false;
  bus::SdbusPublisher* publisher_ = nullptr;   // owned by the loop thread
  std::unique_ptr<core::DesiredState> state_;  // the published state; loop thread only
  std::exception_ptr startError_;
  std::thread thread_;
};

}  // namespace kipvs::test
