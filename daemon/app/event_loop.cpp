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
  watchReadable(postFd_, [this] { drainPosted(); });
}

struct EventLoop::Pollable {
  std::function<PollWish()> prepare;
  Callback dispatch;
  sd_event_source* io = nullptr;
  sd_event_source* timer = nullptr;
};

EventLoop::~EventLoop() {
  for (auto& pollable : pollables_) {
    sd_event_source_disable_unref(pollable->io);
    sd_event_source_disable_unref(pollable->timer);
  }
  for (auto& [source, callback] : handlers_) {
    sd_event_source_disable_unref(source);
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
  auto& handler = handlers_.emplace_back(nullptr, std::move(callback));
  check(sd_event_add_signal(event_, &handler.first, signal, &EventLoop::dispatchSignal, &handler.second),
        "watch a signal");
}

int EventLoop::dispatchSignal(sd_event_source* /*source*/, const struct signalfd_siginfo* /*info*/,
                              void* self) {
  (*static_cast<Callback*>(self))();
  return 0;
}

void EventLoop::watchReadable(int fd, Callback callback) {
  auto& handler = handlers_.emplace_back(nullptr, std::move(callback));
  check(sd_event_add_io(event_, &handler.first, fd, EPOLLIN, &EventLoop::dispatchIo, &handler.second),
        "watch a file descriptor");
}

int EventLoop::dispatchIo(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/, void* self) {
  (*static_cast<Callback*>(self))();
  return 0;
}

void EventLoop::watchPollable(int fd, std::function<PollWish()> prepare, Callback dispatch) {
  auto& pollable =
      *pollables_.emplace_back(std::make_unique<Pollable>(Pollable{std::move(prepare), std::move(dispatch)}));
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
  const auto wish = pollable.prepare();
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
    sd_event_source_set_time(pollable.timer,
                             nowUsec(event) + static_cast<std::uint64_t>(wish.timeoutMs) * 1000);
    sd_event_source_set_enabled(pollable.timer, SD_EVENT_ONESHOT);
  }
  return 0;
}

int EventLoop::dispatchPollableIo(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/,
                                  void* self) {
  static_cast<Pollable*>(self)->dispatch();
  return 0;
}

int EventLoop::dispatchPollableTimer(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
  static_cast<Pollable*>(self)->dispatch();
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
    callback();
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

std::unique_ptr<EventLoop::Timer> EventLoop::makeTimer(Callback callback) {
  return std::unique_ptr<Timer>(new Timer(*this, std::move(callback)));
}

EventLoop::Timer::Timer(EventLoop& loop, Callback callback) : loop_(loop), callback_(std::move(callback)) {
  check(sd_event_add_time(loop_.event_, &source_, CLOCK_MONOTONIC, UINT64_MAX, 1000, &Timer::dispatch, this),
        "create a timer");
  check(sd_event_source_set_enabled(source_, SD_EVENT_OFF), "create a timer");
}

EventLoop::Timer::~Timer() {
  sd_event_source_disable_unref(source_);
}

void EventLoop::Timer::armIn(std::chrono::milliseconds delay) {
  const auto deadline = nowUsec(loop_.event_) + static_cast<std::uint64_t>(delay.count()) * 1000;
  check(sd_event_source_set_time(source_, deadline), "arm a timer");
  check(sd_event_source_set_enabled(source_, SD_EVENT_ONESHOT), "arm a timer");
}

void EventLoop::Timer::armIfIdle(std::chrono::milliseconds delay) {
  if (!armed()) {
    armIn(delay);
  }
}

void EventLoop::Timer::cancel() {
  sd_event_source_set_enabled(source_, SD_EVENT_OFF);
}

bool EventLoop::Timer::armed() const {
  int enabled = SD_EVENT_OFF;
  sd_event_source_get_enabled(source_, &enabled);
  return enabled != SD_EVENT_OFF;
}

int EventLoop::Timer::dispatch(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
  static_cast<Timer*>(self)->callback_();
  return 0;
}

}  // namespace kipvs::app
