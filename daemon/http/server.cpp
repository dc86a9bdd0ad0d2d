#include "http/server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/log.hpp"

namespace kipvs::http {
namespace {

constexpr int kAcceptBatch = 64;  // connections taken per wake-up, so one busy listener cannot hog the loop
constexpr std::chrono::milliseconds kResumeAfter{100};  // after EMFILE/ENFILE
constexpr std::size_t kMaxLingerBytes =
    std::size_t{64} * 1024;  // read and dropped after the answer, then close

void check(int result, const char* what) {
  if (result < 0) {
    throw std::system_error(-result, std::generic_category(), what);
  }
}

std::uint64_t deadlineIn(sd_event* event, std::chrono::milliseconds in) {
  std::uint64_t now = 0;
  check(sd_event_now(event, CLOCK_MONOTONIC, &now), "read the loop's clock");
  return now + static_cast<std::uint64_t>(in.count()) * 1000;
}

// No exception crosses into sd-event: a failure is logged and the loop goes on.
template <typename Body>
int guarded(const char* what, Body body) {
  try {
    body();
  } catch (const std::exception& error) {
    log::error(std::string("http: ") + what + ": " + error.what());
  } catch (...) {
    log::error(std::string("http: ") + what + ": unknown error");
  }
  return 0;
}

}  // namespace

struct HttpServer::Listener {
  HttpServer* server = nullptr;
  ListenerId id = 0;
  int fd = -1;
  std::uint16_t port = 0;
  std::shared_ptr<const Handler> handler;
  sd_event_source* source = nullptr;
};

struct HttpServer::Connection {
  enum class Phase : std::uint8_t { Reading, Writing, Lingering };

  HttpServer* server = nullptr;
  std::uint64_t id = 0;
  int fd = -1;
  std::shared_ptr<const Handler> handler;
  RequestReader reader;
  Phase phase = Phase::Reading;
  std::string out;
  std::size_t written = 0;
  std::size_t lingered = 0;
  sd_event_source* io = nullptr;
  sd_event_source* timer = nullptr;
};

HttpServer::HttpServer(sd_event* event, ServerLimits limits) : event_(event), limits_(limits) {
  check(sd_event_add_time(event_, &resume_, CLOCK_MONOTONIC, UINT64_MAX, 1000, &HttpServer::onResume, this),
        "create the HTTP server's resume timer");
  check(sd_event_source_set_enabled(resume_, SD_EVENT_OFF), "create the HTTP server's resume timer");
}

HttpServer::~HttpServer() {
  while (!connections_.empty()) {
    drop(*connections_.begin()->second);
  }
  while (!listeners_.empty()) {
    close(listeners_.begin()->first);
  }
  sd_event_source_disable_unref(resume_);
}

HttpServer::ListenerId HttpServer::listen(const ListenAddress& address, Handler handler) {
  const int fd = openListeningSocket(address, limits_.backlog);
  auto listener = std::make_unique<Listener>();
  listener->server = this;
  listener->id = nextListener_++;
  listener->fd = fd;
  listener->handler = std::make_shared<const Handler>(std::move(handler));
  const int added =
      sd_event_add_io(event_, &listener->source, fd, EPOLLIN, &HttpServer::onAcceptable, listener.get());
  if (added < 0) {
    ::close(fd);
    check(added, "watch a listening socket");
  }
  listener->port = boundPort(fd);
  if (sd_event_source_get_enabled(resume_, nullptr) > 0) {
    sd_event_source_set_enabled(listener->source, SD_EVENT_OFF);  // paused: onResume turns it on
  }
  const auto id = listener->id;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void HttpServer::close(ListenerId id) {
  const auto it = listeners_.find(id);
  if (it == listeners_.end()) {
    return;
  }
  sd_event_source_disable_unref(it->second->source);
  ::close(it->second->fd);
  listeners_.erase(it);
}

std::uint16_t HttpServer::port(ListenerId id) const {
  const auto it = listeners_.find(id);
  return it == listeners_.end() ? 0 : it->second->port;
}

int HttpServer::onAcceptable(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/, void* self) {
  auto& listener = *static_cast<Listener*>(self);
  return guarded("accept", [&] { listener.server->acceptFrom(listener); });
}

void HttpServer::acceptFrom(Listener& listener) {
  for (int taken = 0; taken < kAcceptBatch; ++taken) {
    const int fd = accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        log::warning(std::string("http: cannot accept on port ") + std::to_string(listener.port) + ": " +
                         std::strerror(errno) + "; pausing every listener for 100 ms",
                     {{"ERRNO", std::to_string(errno)}});
        pauseAccepting();
      }
      return;  // EAGAIN: nothing more waiting
    }
    if (connections_.size() >= limits_.maxConnections) {
      ++counters_.refused;
      ::close(fd);
      continue;
    }
    auto connection = std::make_unique<Connection>();
    connection->server = this;
    connection->id = nextConnection_++;
    connection->fd = fd;
    connection->handler = listener.handler;
    connection->reader = RequestReader(limits_.head);
    int added =
        sd_event_add_io(event_, &connection->io, fd, EPOLLIN, &HttpServer::onConnectionIo, connection.get());
    if (added >= 0) {
      added = sd_event_add_time(event_, &connection->timer, CLOCK_MONOTONIC,
                                deadlineIn(event_, limits_.readTimeout), 1000, &HttpServer::onConnectionTimer,
                                connection.get());
    }
    if (added < 0) {
      sd_event_source_disable_unref(connection->io);
      ::close(fd);
      check(added, "watch a connection");
    }
    ++counters_.accepted;
    const auto id = connection->id;
    connections_.emplace(id, std::move(connection));
  }
}

void HttpServer::pauseAccepting() {
  for (auto& [id, listener] : listeners_) {
    sd_event_source_set_enabled(listener->source, SD_EVENT_OFF);
  }
  sd_event_source_set_time(resume_, deadlineIn(event_, kResumeAfter));
  sd_event_source_set_enabled(resume_, SD_EVENT_ONESHOT);
}

int HttpServer::onResume(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  return guarded("resume accepting", [&] {
    for (auto& [id, listener] : server.listeners_) {
      sd_event_source_set_enabled(listener->source, SD_EVENT_ON);
    }
  });
}

int HttpServer::onConnectionIo(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/,
                               void* self) {
  auto& connection = *static_cast<Connection*>(self);
  auto& server = *connection.server;
  return guarded("serve a connection", [&] {
    if (connection.phase == Connection::Phase::Writing) {
      server.writeTo(connection);
    } else if (connection.phase == Connection::Phase::Lingering) {
      server.linger(connection);
    } else {
      server.readFrom(connection);
    }
  });
}

int HttpServer::onConnectionTimer(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* self) {
  auto& connection = *static_cast<Connection*>(self);
  auto& server = *connection.server;
  return guarded("time out a connection", [&] {
    if (connection.phase != Connection::Phase::Lingering) {
      ++server.counters_.timedOut;
    }
    server.drop(connection);
  });
}

void HttpServer::readFrom(Connection& connection) {
  std::array<char, 4096> buffer{};
  while (true) {
    const auto got = ::read(connection.fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    }
    if (got <= 0) {
      drop(connection);  // closed (or reset) before a complete request: nothing to answer
      return;
    }
    const auto state = connection.reader.feed({buffer.data(), static_cast<std::size_t>(got)});
    if (state == RequestReader::State::Failed) {
      ++counters_.malformed;
      const auto& error = connection.reader.error();
      answer(connection, textResponse(error.status, error.reason), false);
      return;
    }
    if (state == RequestReader::State::Complete) {
      const auto& request = connection.reader.request();
      const auto handler = connection.handler;  // stays alive if the handler closes its own listener
      HttpResponse response;
      try {
        response = (*handler)(request);
      } catch (const std::exception& error) {
        ++counters_.handlerErrors;
        log::error("http: handler for " + request.path + " failed: " + error.what());
        response = textResponse(500, "internal error");
      }
      answer(connection, response, request.method == "HEAD");
      return;
    }
  }
}

void HttpServer::armTimer(Connection& connection, std::chrono::milliseconds in) {
  sd_event_source_set_time(connection.timer, deadlineIn(event_, in));
  sd_event_source_set_enabled(connection.timer, SD_EVENT_ONESHOT);
}

void HttpServer::answer(Connection& connection, const HttpResponse& response, bool headOnly) {
  connection.out = serialize(response, headOnly);
  connection.phase = Connection::Phase::Writing;
  ++counters_.answered;
  armTimer(connection, limits_.writeTimeout);
  writeTo(connection);
}

void HttpServer::writeTo(Connection& connection) {
  while (connection.written < connection.out.size()) {
    const auto sent = ::send(connection.fd, connection.out.data() + connection.written,
                             connection.out.size() - connection.written, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      sd_event_source_set_io_events(connection.io, EPOLLOUT);
      return;
    }
    if (sent < 0) {
      drop(connection);
      return;
    }
    connection.written += static_cast<std::size_t>(sent);
  }
  // Half-close and read what the client still sends, so that closing does not reset the connection
  // (and discard the answer) while the client's bytes are unread.
  ::shutdown(connection.fd, SHUT_WR);
  connection.out = std::string();
  connection.phase = Connection::Phase::Lingering;
  sd_event_source_set_io_events(connection.io, EPOLLIN);
  armTimer(connection, limits_.lingerTimeout);
}

void HttpServer::linger(Connection& connection) {
  std::array<char, 4096> buffer{};
  while (true) {
    const auto got = ::read(connection.fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    }
    connection.lingered += got > 0 ? static_cast<std::size_t>(got) : 0;
    if (got <= 0 || connection.lingered > kMaxLingerBytes) {
      drop(connection);
      return;
    }
  }
}

void HttpServer::drop(Connection& connection) {
  sd_event_source_disable_unref(connection.io);
  sd_event_source_disable_unref(connection.timer);
  ::close(connection.fd);
  connections_.erase(connection.id);  // destroys `connection`
}

}  // namespace kipvs::http
