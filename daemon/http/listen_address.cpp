#include "http/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <system_error>

namespace kipvs::http {
namespace {

std::system_error socketError(const std::string& what) {
  return {errno, std::generic_category(), what};
}

bool ipv6Available() {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  close(fd);
  return true;
}

}  // namespace

std::optional<ListenAddress> ListenAddress::parse(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) {
      return std::nullopt;  // brackets are for IPv6 only
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return std::nullopt;  // an IPv6 address needs its brackets
    }
  }
  const auto ip = core::IpAddress::parse(host);
  std::uint32_t number = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (!ip || port.empty() || error != std::errc{} || end != port.data() + port.size() || number > 65535) {
    return std::nullopt;
  }
  return ListenAddress{*ip, static_cast<std::uint16_t>(number)};
}

std::string ListenAddress::toString() const {
  const auto host = ip.family() == core::IpFamily::V6 ? "[" + ip.toString() + "]" : ip.toString();
  return host + ":" + std::to_string(port);
}

ListenAddress anyAddress(std::uint16_t port) {
  static const bool v6 = ipv6Available();
  return {*core::IpAddress::parse(v6 ? "::" : "0.0.0.0"), port};
}

int openListeningSocket(const ListenAddress& address, int backlog) {
  const bool v6 = address.ip.family() == core::IpFamily::V6;
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw socketError("socket for " + address.toString());
  }
  const int on = 1;
  const int off = 0;
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (v6) {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(address.port);
    std::memcpy(&in6.sin6_addr, address.ip.bytes().data(), 16);
    length = sizeof in6;
  } else {
    auto& in4 = reinterpret_cast<sockaddr_in&>(storage);
    in4.sin_family = AF_INET;
    in4.sin_port = htons(address.port);
    std::memcpy(&in4.sin_addr, address.ip.bytes().data(), 4);
    length = sizeof in4;
  }
  const bool wildcardV6 = v6 && IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<sockaddr_in6&>(storage).sin6_addr);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      (wildcardV6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) ||
      bind(fd, reinterpret_cast<sockaddr*>(&storage), length) < 0 || listen(fd, backlog) < 0) {
    auto error = socketError("listen on " + address.toString());
    close(fd);
    throw error;
  }
  return fd;
}

std::uint16_t boundPort(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) < 0) {
    throw socketError("getsockname");
  }
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6&>(storage).sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in&>(storage).sin_port);
}

}  // namespace kipvs::http
