#include "app/retrying_listener.hpp"

#include <system_error>

#include "core/log.hpp"

namespace kipvs::app {

RetryingListener::RetryingListener(http::HttpServer& server, Timers& timers, http::ListenAddress address,
                                   http::Handler handler, std::string purpose, std::function<void()> changed,
                                   std::chrono::milliseconds retryInterval)
    : server_(server),
      address_(address),
      handler_(std::move(handler)),
      purpose_(std::move(purpose)),
      changed_(std::move(changed)),
      retryInterval_(retryInterval),
      retry_(timers.makeTimer([this] { attempt(); })) {
  attempt();
}

RetryingListener::~RetryingListener() {
  if (id_) {
    server_.close(*id_);
    log::info("http: " + purpose_ + " stopped listening on " + address_.toString());
  }
}

std::uint16_t RetryingListener::port() const {
  return id_ ? server_.port(*id_) : address_.port;
}

void RetryingListener::attempt() {
  std::string error;
  try {
    id_ = server_.listen(address_, handler_);
  } catch (const std::system_error& failure) {
    error = failure.what();
    if (error != error_) {  // once per distinct failure, not once per retry
      log::warning(
          "http: " + purpose_ + ": " + error + "; retrying every " + std::to_string(retryInterval_.count()) +
              " ms",
          {{"ERRNO", std::to_string(failure.code().value())}, {"KIPVS_LISTEN", address_.toString()}});
    }
    retry_->armIn(retryInterval_);
  }
  if (id_) {
    log::info("http: " + purpose_ + " listening on " + address_.toString(),
              {{"KIPVS_LISTEN", address_.toString()}});
  }
  if (error != error_) {
    error_ = std::move(error);
    if (changed_) {
      changed_();
    }
  }
}

}  // namespace kipvs::app
