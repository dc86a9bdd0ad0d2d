#pragma once

// kipvsd's one main loop, on sd-event: signals, timers, file descriptors (the D-Bus connection), the
// systemd watchdog (sd-event pings it at half of WatchdogSec while the loop turns), and `post()` for the
// Kubernetes watch thread, which only hands decoded events over.
//
// Every callback runs behind core::catchAtEdge (core/callback_edge.hpp): an exception is logged, counted
// and dropped, and the loop turns on; a core::FatalError stops the loop with its exit code (fatalError()
// says why).

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/timers.hpp"
#include "core/callback_edge.hpp"

struct sd_event;
struct sd_event_source;
struct signalfd_siginfo;

namespace kipvs::app {

class EventLoop final : public Timers {
 public:
  using Callback = std::function<void()>;

  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() override;

  void onSignal(int signal, Callback callback);  // blocks the signal and handles it in the loop
  std::unique_ptr<Timer> makeTimer(Callback callback) override;
  void watchReadable(int fd, Callback callback);

  // A connection whose wishes change between waits (sd-bus through sdbus-c++): before every wait the loop
  // asks `prepare` for the poll events and a timeout (-1: none); `dispatch` runs when the fd is ready or
  // the timeout passed.
  struct PollWish {
    short events = 0;
    int timeoutMs = -1;
  };
  void watchPollable(int fd, std::function<PollWish()> prepare, Callback dispatch);
  void post(Callback callback);  // thread-safe
  void enableWatchdog();
  int run();
  // Turns the loop until `duration` has passed (tests, and draining work before exit); exit() is not needed.
  void runFor(std::chrono::milliseconds duration);
  void exit(int code);
  sd_event* raw() { return event_; }
  // Why a callback stopped the loop (a core::FatalError), if one did.
  const std::optional<std::string>& fatalError() const { return fatalError_; }

 private:
  class SdEventTimer;
  // Runs a callback from C: what it throws stays here (logged, counted; fatal: the loop exits).
  void guard(core::Edge edge, const char* context, const Callback& callback) noexcept;
  static int dispatchSignal(sd_event_source* source, const struct signalfd_siginfo* info, void* self);
  static int dispatchIo(sd_event_source* source, int fd, std::uint32_t revents, void* self);
  void drainPosted();
  struct Pollable;
  static int preparePollable(sd_event_source* source, void* self);
  static int dispatchPollableIo(sd_event_source* source, int fd, std::uint32_t revents, void* self);
  static int dispatchPollableTimer(sd_event_source* source, std::uint64_t usec, void* self);

  sd_event* event_ = nullptr;
  int postFd_ = -1;
  std::mutex postedMutex_;
  std::deque<Callback> posted_;
  struct Handler;
  std::deque<Handler> handlers_;  // stable addresses for userdata
  std::deque<std::unique_ptr<Pollable>> pollables_;
  std::optional<std::string> fatalError_;
};

}  // namespace kipvs::app
