#pragma once

// One HTTP listener that keeps trying: when its address cannot be bound (another process holds the
// port, the address is not on the node yet) the failure is logged once and retried every few seconds
// until it works or the listener is destroyed. Never fatal, and other listeners are not affected.
// Used for healthz-bind-address and for each Service health-check port; metrics-bind-address can be
// one too:
//   RetryingListener metrics(server, loop, *http::ListenAddress::parse("127.0.0.1:10249"), router,
//                            "metrics");

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/timers.hpp"
#include "http/server.hpp"

namespace kipvs::app {

class RetryingListener {
 public:
  static constexpr std::chrono::milliseconds kRetryInterval{5'000};

  // `changed` runs whenever error() changes (bound after failing, or a new failure).
  RetryingListener(http::HttpServer& server, Timers& timers, http::ListenAddress address,
                   http::Handler handler, std::string purpose, std::function<void()> changed = {},
                   std::chrono::milliseconds retryInterval = kRetryInterval);
  RetryingListener(const RetryingListener&) = delete;
  RetryingListener& operator=(const RetryingListener&) = delete;
  ~RetryingListener();

  bool listening() const { return id_.has_value(); }
  const std::string& error() const { return error_; }  // why it is not listening; empty when it is
  const http::ListenAddress& address() const { return address_; }
  std::uint16_t port() const;

 private:
  void attempt();

  http::HttpServer& server_;
  http::ListenAddress address_;
  http::Handler handler_;
  std::string purpose_;
  std::function<void()> changed_;
  std::chrono::milliseconds retryInterval_;
  std::optional<http::HttpServer::ListenerId> id_;
  std::string error_;
  std::unique_ptr<Timer> retry_;
};

}  // namespace kipvs::app
