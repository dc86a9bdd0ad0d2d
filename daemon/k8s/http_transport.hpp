#pragma once

// The one HTTP operation the list/watch logic needs: a GET whose 2xx body is handed over piece by
// piece as it arrives. `ApiClient` implements it over Poco Net/NetSSL; unit tests script it.

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

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

class HttpTransport {
 public:
  using OnBody = std::function<bool(std::string_view)>;  // false: stop reading
  virtual ~HttpTransport() = default;

  // GET `target` (path + query). A 2xx body goes to onBody as it arrives; other bodies are returned
  // in HttpResponse::body. Throws TransportError.
  virtual HttpResponse get(const std::string& target, const RequestOptions& options,
                           const OnBody& onBody) = 0;
  // From another thread: ends the request in flight (its get() returns or throws) and every later one.
  virtual void abort() = 0;
  // The server answered 401: credentials are re-read before the next request (a rotated token).
  virtual void credentialsRejected() = 0;
};

}  // namespace kipvs::k8s
