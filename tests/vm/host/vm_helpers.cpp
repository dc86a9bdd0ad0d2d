#include "vm_helpers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kipvs::host::vmtest {
namespace {

void enterNetns(const std::string& ns) {
  if (ns.empty()) {
    return;
  }
  const std::string path = "/run/netns/" + ns;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "cannot enter %s: %s\n", path.c_str(), std::strerror(errno));
    ::_exit(90);
  }
  ::close(fd);
}

struct Endpoint {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

// IPv4 or IPv6 (by the presence of ':').
Endpoint endpoint(const std::string& address, std::uint16_t port) {
  Endpoint out;
  if (address.find(':') == std::string::npos) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&out.storage);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    out.length = sizeof(sockaddr_in);
    if (::inet_pton(AF_INET, address.c_str(), &sa->sin_addr) == 1) {
      return out;
    }
  } else {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(port);
    out.length = sizeof(sockaddr_in6);
    if (::inet_pton(AF_INET6, address.c_str(), &sa->sin6_addr) == 1) {
      return out;
    }
  }
  throw std::invalid_argument("not an IP address: " + address);
}

std::string peerText(const sockaddr_storage& peer) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (peer.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text.data(), text.size());
  } else {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr, text.data(), text.size());
  }
  return std::string("peer=") + text.data();
}

void setTimeouts(int fd) {
  const timeval timeout{.tv_sec = 2, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

int listening(const char* any, int type, std::uint16_t port) {
  auto sa = endpoint(any, port);
  const int fd = ::socket(sa.family(), type, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa.family() == AF_INET6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);  // IPv4 peers keep their plain form
  }
  if (fd < 0 || ::bind(fd, sa.get(), sa.length) != 0 || (type == SOCK_STREAM && ::listen(fd, 16) != 0)) {
    std::fprintf(stderr, "server cannot bind port %u: %s\n", port, std::strerror(errno));
    ::_exit(91);
  }
  return fd;
}

// Serves every socket of `fds` (datagram or listening stream) until killed.
[[noreturn]] void serve(std::vector<pollfd> fds, const std::vector<int>& types) {
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      continue;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) {
        continue;
      }
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      auto* peerAddress = reinterpret_cast<sockaddr*>(&peer);
      if (types[i] == SOCK_DGRAM) {
        std::array<char, 512> buffer{};
        if (::recvfrom(fds[i].fd, buffer.data(), buffer.size(), 0, peerAddress, &length) >= 0) {
          const auto reply = peerText(peer);
          ::sendto(fds[i].fd, reply.data(), reply.size(), 0, peerAddress, length);
        }
      } else if (const int conn = ::accept(fds[i].fd, peerAddress, &length); conn >= 0) {
        const auto reply = peerText(peer);
        (void)!::write(conn, reply.data(), reply.size());
        ::close(conn);
      }
    }
  }
}

}  // namespace

ShellResult sh(const std::string& command) {
  ShellResult result;
  // bash, not /bin/sh: the guest's sh is busybox, whose own `ip` applet would shadow iproute2.
  std::string quoted;
  for (const char c : command) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  FILE* pipe = ::popen(("bash -c '" + quoted + "' 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    result.output += buffer.data();
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string shOk(const std::string& command) {
  auto result = sh(command);
  if (result.status != 0) {
    ADD_FAILURE() << "`" << command << "` exited " << result.status << ":\n" << result.output;
  }
  return result.output;
}

std::string inNetns(const std::string& ns, const std::function<std::string()>& body) {
  std::array<int, 2> fds{};
  if (::pipe(fds.data()) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    enterNetns(ns);
    const auto out = body();
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  std::array<char, 512> buffer{};
  for (ssize_t n; (n = ::read(fds[0], buffer.data(), buffer.size())) > 0;) {
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

std::optional<std::string> udpQuery(const std::string& ns, const std::string& address, std::uint16_t port,
                                    std::uint16_t sourcePort) {
  const auto out = inNetns(ns, [&]() -> std::string {
    auto sa = endpoint(address, port);
    const int fd = ::socket(sa.family(), SOCK_DGRAM, 0);
    setTimeouts(fd);
    if (sourcePort != 0) {
      const int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      auto local = endpoint(sa.family() == AF_INET ? "0.0.0.0" : "::", sourcePort);
      if (::bind(fd, local.get(), local.length) != 0) {
        return std::string("bind to source port failed: ") + std::strerror(errno);
      }
    }
    if (::connect(fd, sa.get(), sa.length) != 0 || ::send(fd, "hello", 5, 0) != 5) {
      return "";
    }
    std::array<char, 512> buffer{};
    const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
    return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : "";
  });
  return out.empty() ? std::nullopt : std::optional<std::string>(out);
}

std::string tcpQuery(const std::string& ns, const std::string& address, std::uint16_t port) {
  return inNetns(ns, [&]() -> std::string {
    auto sa = endpoint(address, port);
    const int fd = ::socket(sa.family(), SOCK_STREAM, 0);
    setTimeouts(fd);
    if (::connect(fd, sa.get(), sa.length) != 0) {
      const int error = errno;
      return error == ECONNREFUSED ? "error:ECONNREFUSED"
             : error == EINPROGRESS || error == ETIMEDOUT || error == EAGAIN
                 ? "error:ETIMEDOUT"
                 : std::string("error:") + std::strerror(error);
    }
    std::array<char, 512> buffer{};
    const auto n = ::read(fd, buffer.data(), buffer.size());
    return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : "error:empty";
  });
}

PeerServer::PeerServer(const std::string& ns, std::uint16_t udpPort, std::uint16_t tcpPort) {
  std::array<int, 2> ready{};
  if (::pipe(ready.data()) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(ready[0]);
    enterNetns(ns);
    std::vector<pollfd> fds;
    std::vector<int> types;
    for (const auto* any : {"0.0.0.0", "::"}) {
      for (const auto& [type, port] : {std::pair{SOCK_DGRAM, udpPort}, std::pair{SOCK_STREAM, tcpPort}}) {
        if (port != 0) {
          fds.push_back({listening(any, type, port), POLLIN, 0});
          types.push_back(type);
        }
      }
    }
    (void)!::write(ready[1], "1", 1);  // bound: clients may start
    ::close(ready[1]);
    serve(std::move(fds), types);
  }
  ::close(ready[1]);
  char byte = 0;
  if (::read(ready[0], &byte, 1) != 1) {
    ADD_FAILURE() << "server in '" << ns << "' did not start";
  }
  ::close(ready[0]);
}

PeerServer::~PeerServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

}  // namespace kipvs::host::vmtest
