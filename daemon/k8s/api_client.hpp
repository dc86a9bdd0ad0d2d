#pragma once

// One HTTP/1.1 GET at a time against the API server over Poco Net/NetSSL (`PocoKubeWatch`'s
// transport): TLS verified against the configured CA and server name unless the config turns it
// off, client-certificate and bearer-token auth, gzip for lists, bodies streamed as they arrive.

#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "k8s/config.hpp"

namespace kipvs::k8s {

// Connect, TLS, read or timeout failure: nothing the server said.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpResponse {
  int status = 0;
  std::string contentType;
  std::optional<int> retryAfterSeconds;
  std::string body;       // non-2xx responses (capped)
  bool complete = false;  // a 2xx body was read to its end (not aborted, not cut)
};

struct RequestOptions {
  std::chrono::milliseconds connectTimeout{30000};
  std::chrono::milliseconds idleTimeout{60000};  // longest silence while reading
  bool acceptGzip = true;
};

class ApiClient {
 public:
  ApiClient(ClusterConfig config, std::shared_ptr<TokenSource> tokens);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // GET `target` (path + query). A 2xx body goes to onBody piece by piece as it arrives (return false
  // to stop reading). Throws TransportError.
  HttpResponse get(const std::string& target, const RequestOptions& options,
                   const std::function<bool(std::string_view)>& onBody);
  // From another thread: ends the request in flight (its get() returns or throws) and every later one.
  void abort();
  void reset() { aborted_ = false; }

  TokenSource* tokens() const { return tokens_.get(); }
  const ClusterConfig& config() const { return config_; }

 private:
  ClusterConfig config_;
  std::shared_ptr<TokenSource> tokens_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool secure_ = true;
  Poco::Net::Context::Ptr context_;
  std::mutex fdMutex_;
  int fd_ = -1;
  std::atomic<bool> aborted_{false};
};

}  // namespace kipvs::k8s
