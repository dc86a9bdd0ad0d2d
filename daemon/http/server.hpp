#pragma once

// kipvsd's HTTP/1.1 server, on the daemon's sd-event loop: no thread, handlers run on the loop's
// thread and may read daemon state directly. Each connection serves one request and closes
// (Connection: close), which every health checker and Prometheus accept.
//
// Hostile clients stay cheap: at most `maxConnections` at once across all listeners (more are accepted
// and closed at once), a request head of at most `maxHeadBytes`, and a deadline per connection for
// the whole head (slowloris) and for writing the answer. A connection costs an fd and at most
// maxHeadBytes of buffer; nothing a client sends makes the loop wait.
//
// Adding an endpoint:
//   http::Router router;
//   router.route("/healthz", [&](const http::HttpRequest&) { return http::HttpResponse{...}; });
//   auto id = server.listen(*http::ListenAddress::parse("0.0.0.0:10256"), router);  // throws system_error
//   ...
//   server.close(id);  // stops accepting; requests in flight are still answered
// Several listeners share one server (and its connection bound); a handler may open or close listeners.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

#include "http/listen_address.hpp"
#include "http/message.hpp"
#include "http/request_reader.hpp"
#include "http/router.hpp"

struct sd_event;
struct sd_event_source;

namespace kipvs::http {

struct ServerLimits {
  std::size_t maxConnections = 256;  // open at once, across every listener
  HeadLimits head{};
  std::chrono::milliseconds readTimeout{5'000};    // from accept to the complete head
  std::chrono::milliseconds writeTimeout{5'000};   // to write the answer
  std::chrono::milliseconds lingerTimeout{1'000};  // reading what the client still sends before close
  int backlog = 128;
};

struct ServerCounters {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;    // over maxConnections: closed at once
  std::uint64_t answered = 0;   // responses handed to the kernel (errors included)
  std::uint64_t malformed = 0;  // 4xx/5xx answered because of the request itself
  std::uint64_t timedOut = 0;
  std::uint64_t handlerErrors = 0;  // a handler threw: 500
};

class HttpServer {
 public:
  using ListenerId = std::uint64_t;

  explicit HttpServer(sd_event* event, ServerLimits limits = {});
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds `address` and serves it with `handler`; throws std::system_error when it cannot bind.
  ListenerId listen(const ListenAddress& address, Handler handler);
  void close(ListenerId id);                // unknown ids are ignored
  std::uint16_t port(ListenerId id) const;  // the bound port (0 for an unknown id)

  std::size_t connections() const { return connections_.size(); }
  const ServerCounters& counters() const { return counters_; }

 private:
  struct Listener;
  struct Connection;
  static int onAcceptable(sd_event_source* source, int fd, std::uint32_t revents, void* self);
  static int onConnectionIo(sd_event_source* source, int fd, std::uint32_t revents, void* self);
  static int onConnectionTimer(sd_event_source* source, std::uint64_t usec, void* self);
  static int onResume(sd_event_source* source, std::uint64_t usec, void* self);
  void acceptFrom(Listener& listener);
  void pauseAccepting();
  void readFrom(Connection& connection);
  void answer(Connection& connection, const HttpResponse& response, bool headOnly);
  void writeTo(Connection& connection);
  void linger(Connection& connection);
  void drop(Connection& connection);
  void armTimer(Connection& connection, std::chrono::milliseconds in);

  sd_event* event_;
  ServerLimits limits_;
  ServerCounters counters_;
  ListenerId nextListener_ = 1;
  std::uint64_t nextConnection_ = 1;
  std::map<ListenerId, std::unique_ptr<Listener>> listeners_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  sd_event_source* resume_ = nullptr;  // re-enables accepting after the process ran out of fds
};

}  // namespace kipvs::http
