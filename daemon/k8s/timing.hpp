#pragma once

// Time as the watcher sees it, injectable so tests never wait for real backoff: a clock, an
// interruptible sleep and a jitter source. And the reflector's backoff (client-go tools/cache/reflector.go):
// 800 ms doubling to 30 s, jitter 1.0, reset after 2 minutes without a failure.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>

namespace kipvs::k8s {

class Timing {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~Timing() = default;
  virtual Clock::time_point now() = 0;
  // Sleeps `duration` unless interrupt() is called; false when interrupted.
  virtual bool sleepFor(std::chrono::milliseconds duration) = 0;
  virtual void interrupt() = 0;
  virtual double random() = 0;  // uniform in [0, 1)
};

class RealTiming final : public Timing {
 public:
  Clock::time_point now() override { return Clock::now(); }
  bool sleepFor(std::chrono::milliseconds duration) override;
  void interrupt() override;
  double random() override;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool interrupted_ = false;
  std::mt19937_64 rng_{std::random_device{}()};
};

struct BackoffPolicy {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30000};
  double factor = 2.0;
  double jitter = 1.0;
  std::chrono::milliseconds resetAfter{120000};
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}
  // The wait before the next attempt after a failure at `now`.
  std::chrono::milliseconds next(Timing::Clock::time_point now, double random);
  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  int attempt_ = 0;
  Timing::Clock::time_point lastFailure_{};
};

}  // namespace kipvs::k8s
