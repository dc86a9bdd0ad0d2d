#include "test_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <future>
#include <system_error>

#include "bus/bus_pump.hpp"
#include "dbus/bus_names.hpp"
#include "known_state.hpp"

namespace kipvs::test {

TestServer::TestServer(std::string address, core::DesiredState initial, core::ControlPort* control)
    : answering_(control != nullptr ? *control : control_) {
  wakeFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  std::promise<void> started;
  auto ready = started.get_future();
  post([&started] { started.set_value(); });  // runs once the loop is up
  thread_ = std::thread([this, a = std::move(address), s = std::move(initial)]() mutable {
    try {
      loop(a, std::move(s));
    } catch (...) {
      startError_ = std::current_exception();
      const std::lock_guard lock(mutex_);
      for (auto& task : tasks_) {
        task();  // releases the constructor
      }
      tasks_.clear();
    }
  });
  ready.wait();
  if (startError_) {
    thread_.join();
    close(wakeFd_);
    std::rethrow_exception(startError_);
  }
}

TestServer::~TestServer() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wakeFd_, &one, sizeof one);
  thread_.join();
  close(wakeFd_);
}

void TestServer::post(std::function<void()> task) {
  {
    const std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wakeFd_, &one, sizeof one);
}

void TestServer::run(std::function<void(bus::SdbusPublisher&)> task) {
  std::promise<void> done;
  auto finished = done.get_future();
  post([&] {
    try {
      task(*publisher_);
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  finished.get();
}

bus::SdbusPublisher::Changes TestServer::publish(core::DesiredState state, const core::SyncSummary& summary,
                                                 const std::set<core::VirtualServiceKey>* touched) {
  bus::SdbusPublisher::Changes changes;
  run([&](bus::SdbusPublisher& publisher) {
    auto next = std::make_unique<core::DesiredState>(std::move(state));
    changes = publisher.publish(*next, summary, touched);
    state_ = std::move(next);  // the previous state is no longer read
  });
  return changes;
}

void TestServer::loop(const std::string& address, core::DesiredState initial) {
  auto connection = sdbus::createSessionBusConnectionWithAddress(address);
  bus::SdbusPublisher publisher(*connection, answering_, bus::CallerPolicy::withGroupNamed(dbus::kAdminGroup),
                                dbus::kVersion);
  publisher.setStatus(knownStatus());
  state_ = std::make_unique<core::DesiredState>(std::move(initial));
  publisher.publish(*state_, {.finishedUsec = 1700000000000000, .durationUsec = 1500, .failedOps = 0});
  publisher.goLive();
  connection->requestName(dbus::kBusName);  // last, as the daemon does
  publisher_ = &publisher;
  bus::BusPump pump(*connection);
  for (;;) {
    std::vector<std::function<void()>> tasks;
    {
      const std::lock_guard lock(mutex_);
      if (stop_) {
        break;
      }
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) {
      task();
    }
    pump.dispatch();
    const auto wait = pump.pollData();
    pollfd fds[2] = {{.fd = wait.fd, .events = wait.events, .revents = 0},
                     {.fd = wakeFd_, .events = POLLIN, .revents = 0}};
    if (poll(fds, 2, wait.timeoutMs) < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if ((fds[1].revents & POLLIN) != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto n = read(wakeFd_, &count, sizeof count);
    }
  }
  publisher_ = nullptr;
}

}  // namespace kipvs::test
