#pragma once

// Drives an sdbus-c++ 1.2 connection from someone else's event loop (the daemon's sd-event loop, or a
// test's poll loop), so that method handlers and publish() run on that one thread and need no locks.
//
// Why not enterEventLoopAsync(): its thread would run handlers concurrently with publish() on the
// main loop, forcing a lock around every published value or a post-and-wait per call. The loop owner
// instead asks pollData() before each wait (the fd, the events sd-bus needs — POLLOUT while the write
// queue is non-empty — and the timeout), and calls dispatch() when the fd is ready or the timeout
// passed. With sd-event: an io source plus a prepare callback refreshing events and a timer.

#include <sdbus-c++/IConnection.h>

#include <cstdint>

namespace kipvs::bus {

class BusPump {
 public:
  explicit BusPump(sdbus::IConnection& connection) : connection_(connection) {}

  struct Wait {
    int fd = -1;
    short events = 0;
    int timeoutMs = -1;  // -1: none (poll(2) convention)
  };
  // Must be asked again after every dispatch() and after anything that emits (signals queue writes).
  Wait pollData() const;

  // Processes everything pending without blocking; returns how many requests were handled.
  std::uint32_t dispatch();

 private:
  sdbus::IConnection& connection_;
};

}  // namespace kipvs::bus
