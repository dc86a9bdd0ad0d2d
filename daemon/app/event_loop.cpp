#include "app/event_loop.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <csignal>
#include <system_error>

namespace kipvs::app {
namespace {

void check(int result, const char* what) {
  if (result < 0) {
    throw std::system_error(-result, std::generic_category(), what);
  }
}

std::uint64_t nowUsec(sd_event* event) {
  std::uint64_t now = 0;
  check(sd_event_now(event, CLOCK_MONOTONIC, &now), "read the loop's clock");
  return now;
}

}  // namespace

EventLoop::EventLoop() {
  check(sd_event_new(&event_), "create the event loop");
  postFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (postFd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "create the event loop's eventfd");
  }
  // drainPosted guards each posted callback itself: one failing does not drop the rest of the batch.
  watchReadable(postFd_, [this] { drainPosted(); });
}

struct EventLoop::Handler {
  EventLoop* loop = nullptr;
  core::Edge edge = core::Edge::FileDescriptor;
  const char* context = "";
  Callback callback;
  sd_event_source* source = nullptr;
};

struct EventLoop::Pollable {
  EventLoop* loop = nullptr;
  std::function<PollWish()> prepare;
  Callback dispatch;
  sd_event_source* io = nullptr;
  sd_event_source* timer = nullptr;
};

void EventLoop::guard(core::Edge edge, const char* context, const Callback& callback) noexcept {
  const auto failure = core::catchAtEdge(edge, context, callback);
  if (failure && failure->fatalExitCode && !fatalError_) {
    try {
      fatalError_ = failure->message;
    } catch (...) {  // NOLINT(bugprone-empty-catch): the exit code below still says it
    }
    sd_event_exit(event_, *failure->fatalExitCode);
  }
}

EventLoop::~EventLoop() {
  for (auto& pollable : pollables_) {
    sd_event_source_disable_unref(pollable->io);
    sd_event_source_disable_unref(pollable->timer);
  }
  for (auto& handler : handlers_) {
    sd_event_source_disable_unref(handler.source);
  }
  if (postFd_ >= 0) {
    close(postFd_);
  }
  sd_event_unref(event_);
}

void EventLoop::onSignal(int signal, Callback callback) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, signal);
  check(pthread_sigmask(SIG_BLOCK, &mask, nullptr) == 0 ? 0 : -errno, "block a signal");
  auto& handler = handlers_.emplace_back(Handler{.loop = this,
                                                 .edge = core::Edge::Signal,
                                                 .context = "handling a signal",
                                                 .callback = std::move(callback),
                                                 .source = nullptr});
  check(sd_event_add_signal(event_, &handler.source, signal, &EventLoop::dispatchSignal, &handler),
        "watch a signal");
}

int EventLoop::dispatchSignal(sd_event_source* /*source*/, const struct signalfd_siginfo* /*info*/,
                              void* self) {
  auto& handler = *static_cast<Handler*>(self);
  handler.loop->guard(handler.edge, handler.context, handler.callback);
  return 0;
}

void EventLoop::watchReadable(int fd, Callback callback) {
  auto& handler = handlers_.emplace_back(Handler{.loop = this,
                                                 .edge = core::Edge::FileDescriptor,
                                                 .context = "handling a readable file descriptor",
                                                 .callback = std::move(callback),
                                                 .source = nullptr});
  check(sd_event_add_io(event_, &handler.source, fd, EPOLLIN, &EventLoop::dispatchIo, &handler),
        "watch a file descriptor");
}

int EventLoop::dispatchIo(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/, void* self) {
  auto& handler = *static_cast<Handler*>(self);
  handler.loop->guard(handler.edge, handler.context, handler.callback);
  return 0;
}

void EventLoop::watchPollable(int fd, std::function<PollWish()> prepare, Callback dispatch) {
  auto& pollable = *pollables_.emplace_back(std::make_unique<Pollable>(
      Pollable{.loop = this, .prepare = std::move(prepare), .dispatch = std::move(dispatch)}));
  check(sd_event_add_io(event_, &pollable.io, fd, EPOLLIN, &EventLoop::dispatchPollableIo, &pollable),
        "watch a connection");
  check(sd_event_source_set_prepare(pollable.io, &EventLoop::preparePollable), "watch a connection");
  check(sd_event_add_time(event_, &pollable.timer, CLOCK_MONOTONIC, UINT64_MAX, 0,
                          &EventLoop::dispatchPollableTimer, &pollable),
        "watch a connection");
  check(sd_event_source_set_enabled(pollable.timer, SD_EVENT_OFF), "watch a connection");
}

int EventLoop::preparePollable(sd_event_source* source, void* self) {
  auto& pollable = *static_cast<Pollable*>(self);
  PollWish wish{.events = POLLIN, .timeoutMs = -1};
  pollable.loop->guard(core::Edge::Bus, "asking the bus connection what to wait for",
                       [&] { wish = pollable.prepare(); });
  std::uint32_t events = 0;
  if ((wish.events & POLLIN) != 0) {
    events |= EPOLLIN;
  }
  if ((wish.events & POLLOUT) != 0) {
    events |= EPOLLOUT;
  }
  sd_event_source_set_io_events(source, events);
  if (wish.timeoutMs < 0) {
    sd_event_source_set_enabled(pollable.timer, SD_EVENT_OFF);
  } else {
    sd_event* event = sd_event_source_get_event(source);
    std::uint64_t now = 0;
    sd_event_now(event, CLOCK_MONOTONIC, &now);
    sd_event_source_set_time(pollable.timer, now + static_cast<std::uint64_t>(wish.timeoutMs) * 1000);
    sd_event_source_set_enabled(pollable.timer, SD_EVENT_ONESHOT);
  }
  return 0;
}

int EventLoop::dispatchPollableIo(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/,
                                  void* self) {
  auto& pollable = *static_cast<Pollable*>(self);
  pollable.loop->guard(core::Edge::Bus, "dispatching the bus connection", pollable.dispatch);
  return 0;
}

int EventLoop::dispatchPollableTimer(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
  auto& pollable = *static_cast<Pollable*>(self);
  pollable.loop->guard(core::Edge::Bus, "dispatching the bus connection (timeout)", pollable.dispatch);
  return 0;
}

void EventLoop::post(Callback callback) {
  {
    const std::lock_guard lock(postedMutex_);
    posted_.push_back(std::move(callback));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(postFd_, &one, sizeof one);
}

void EventLoop::drainPosted() {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto consumed = read(postFd_, &count, sizeof count);
  std::deque<Callback> batch;
  {
    const std::lock_guard lock(postedMutex_);
    batch.swap(posted_);
  }
  for (auto& callback : batch) {
    guard(core::Edge::Posted, "running work posted to the main loop", callback);
  }
}

void EventLoop::enableWatchdog() {
  check(sd_event_set_watchdog(event_, 1), "enable the watchdog");
}

int EventLoop::run() {
  return sd_event_loop(event_);
}

void EventLoop::runFor(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now()) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    check(sd_event_run(event_, static_cast<std::uint64_t>(left.count())), "run the event loop");
  }
}

void EventLoop::exit(int code) {
  sd_event_exit(event_, code);
}

// A one-shot sd-event timer (CLOCK_MONOTONIC, 1 ms accuracy) that can be re-armed.
class EventLoop::SdEventTimer final : public Timer {
 public:
  SdEventTimer(EventLoop& loop, Callback callback) : loop_(loop), callback_(std::move(callback)) {
    check(sd_event_add_time(loop_.event_, &source_, CLOCK_MONOTONIC, UINT64_MAX, 1000,
                            &SdEventTimer::dispatch, this),
          "create a timer");
    check(sd_event_source_set_enabled(source_, SD_EVENT_OFF), "create a timer");
  }
  SdEventTimer(const SdEventTimer&) = delete;
  SdEventTimer& operator=(const SdEventTimer&) = delete;
  ~SdEventTimer() override { sd_event_source_disable_unref(source_); }

  void armIn(std::chrono::milliseconds delay) override {
    const auto deadline = nowUsec(loop_.event_) + static_cast<std::uint64_t>(delay.count()) * 1000;
    check(sd_event_source_set_time(source_, deadline), "arm a timer");
    check(sd_event_source_set_enabled(source_, SD_EVENT_ONESHOT), "arm a timer");
  }
  void armIfIdle(std::chrono::milliseconds delay) override {
    if (!armed()) {
      armIn(delay);
    }
  }
  void cancel() override { sd_event_source_set_enabled(source_, SD_EVENT_OFF); }
  bool armed() const override {
    int enabled = SD_EVENT_OFF;
    sd_event_source_get_enabled(source_, &enabled);
    return enabled != SD_EVENT_OFF;
  }

 private:
  static int dispatch(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
    auto& timer = *static_cast<SdEventTimer*>(self);
    timer.loop_.guard(core::Edge::Timer, "running a timer", timer.callback_);
    return 0;
  }
  EventLoop& loop_;
  Callback callback_;
  sd_event_source* source_ = nullptr;
};

std::unique_ptr<Timer> EventLoop::makeTimer(Callback callback) {
  return std::make_unique<SdEventTimer>(*this, std::move(callback));
}

}  // namespace kipvs::app
