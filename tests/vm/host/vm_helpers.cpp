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

sockaddr_in endpoint(const std::string& address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
    throw std::invalid_argument("not an IPv4 address: " + address);
  }
  return sa;
}

sockaddr* asSockaddr(sockaddr_in& sa) {
  return reinterpret_cast<sockaddr*>(&sa);
}

std::string peerText(const sockaddr_in& sa) {
  std::array<char, INET_ADDRSTRLEN> text{};
  ::inet_ntop(AF_INET, &sa.sin_addr, text.data(), text.size());
  return std::string("peer=") + text.data();
}

void setTimeouts(int fd) {
  const timeval timeout{.tv_sec = 2, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

int listening(int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto sa = endpoint("0.0.0.0", port);
  if (fd < 0 || ::bind(fd, asSockaddr(sa), sizeof sa) != 0 ||
      (type == SOCK_STREAM && ::listen(fd, 16) != 0)) {
    std::fprintf(stderr, "server cannot bind port %u: %s\n", port, std::strerror(errno));
    ::_exit(91);
  }
  return fd;
}

[[noreturn]] void serve(int udp, int tcp) {
  std::array<pollfd, 2> fds{pollfd{udp, POLLIN, 0}, pollfd{tcp, POLLIN, 0}};
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      continue;
    }
    if (udp >= 0 && (fds[0].revents & POLLIN) != 0) {
      std::array<char, 512> buffer{};
      sockaddr_in peer{};
      socklen_t length = sizeof peer;
      if (::recvfrom(udp, buffer.data(), buffer.size(), 0, asSockaddr(peer), &length) >= 0) {
        const auto reply = peerText(peer);
        ::sendto(udp, reply.data(), reply.size(), 0, asSockaddr(peer), length);
      }
    }
    if (tcp >= 0 && (fds[1].revents & POLLIN) != 0) {
      sockaddr_in peer{};
      socklen_t length = sizeof peer;
      const int conn = ::accept(tcp, asSockaddr(peer), &length);
      if (conn >= 0) {
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
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    setTimeouts(fd);
    if (sourcePort != 0) {
      const int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      auto local = endpoint("0.0.0.0", sourcePort);
      ::bind(fd, asSockaddr(local), sizeof local);
    }
    auto sa = endpoint(address, port);
    if (::connect(fd, asSockaddr(sa), sizeof sa) != 0 || ::send(fd, "hello", 5, 0) != 5) {
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
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    setTimeouts(fd);
    auto sa = endpoint(address, port);
    if (::connect(fd, asSockaddr(sa), sizeof sa) != 0) {
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
    const int udp = udpPort != 0 ? listening(SOCK_DGRAM, udpPort) : -1;
    const int tcp = tcpPort != 0 ? listening(SOCK_STREAM, tcpPort) : -1;
    (void)!::write(ready[1], "1", 1);  // bound: clients may start
    ::close(ready[1]);
    serve(udp, tcp);
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
