#pragma once

// Test clients for servers on an sd-event loop in the same thread: each client is a non-blocking
// loopback socket, and pump() turns the loop and moves bytes until the server closed the connection.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace kipvs::http::testing {

// Turns `event` until `done` holds; throws after `cap` (a hung test fails instead of blocking CI).
inline void runUntil(sd_event* event, const std::function<bool()>& done,
                     std::chrono::milliseconds cap = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + cap;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("condition not reached");
    }
    sd_event_run(event, 5'000);
  }
}

class LoopbackClient {
 public:
  explicit LoopbackClient(std::uint16_t port, const char* host = "127.0.0.1") {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, host, &address.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    connectErrno_ = connected_ ? 0 : errno;
    fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  LoopbackClient(const LoopbackClient&) = delete;
  LoopbackClient& operator=(const LoopbackClient&) = delete;
  ~LoopbackClient() { close(fd_); }

  bool connected() const { return connected_; }
  int connectErrno() const { return connectErrno_; }
  void send(const std::string& bytes) { out_ += bytes; }

  // Moves what it can without blocking; true once the server closed (EOF or reset).
  bool step() {
    while (!out_.empty()) {
      const auto sent = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
      if (sent <= 0) {
        break;
      }
      out_.erase(0, static_cast<std::size_t>(sent));
    }
    char buffer[4096];
    while (true) {
      const auto got = ::read(fd_, buffer, sizeof buffer);
      if (got > 0) {
        in_.append(buffer, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return false;
      }
      closed_ = true;
      return true;
    }
  }
  bool closed() const { return closed_; }
  const std::string& received() const { return in_; }

  std::string status() const { return in_.substr(0, in_.find("\r\n")); }
  std::string body() const {
    const auto end = in_.find("\r\n\r\n");
    return end == std::string::npos ? std::string{} : in_.substr(end + 4);
  }
  std::string header(const std::string& name) const {
    const auto at = in_.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
      return {};
    }
    const auto start = at + name.size() + 4;
    return in_.substr(start, in_.find("\r\n", start) - start);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  int connectErrno_ = 0;
  bool closed_ = false;
  std::string out_;
  std::string in_;
};

// Sends `request` and turns the loop until the server closed the connection.
inline void exchange(sd_event* event, LoopbackClient& client, const std::string& request) {
  client.send(request);
  runUntil(event, [&] { return client.step(); });
}

inline std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

}  // namespace kipvs::http::testing
