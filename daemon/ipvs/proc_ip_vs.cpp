#include "ipvs/proc_ip_vs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <optional>
#include <string>
#include <system_error>

namespace kipvs::ipvs {
namespace {

// Splits off the next space-separated token.
std::string_view nextToken(std::string_view& line) {
  const auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const auto end = line.find(' ');
  const auto token = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return token;
}

template <typename T>
std::optional<T> number(std::string_view text, int base = 10) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

struct Endpoint {
  core::IpAddress address;
  std::uint16_t port = 0;
};

// "0A000001:0050" (IPv4, host order hex) or "[fd00:0000:…:0001]:0050".
std::optional<Endpoint> parseEndpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const auto port = number<std::uint16_t>(text.substr(colon + 1), 16);
  auto host = text.substr(0, colon);
  std::optional<core::IpAddress> address;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    address = core::IpAddress::parse(host.substr(1, host.size() - 2));
  } else if (const auto v4 = number<std::uint32_t>(host, 16); v4 && host.size() == 8) {
    const std::array<std::uint8_t, 4> bytes{
        static_cast<std::uint8_t>(*v4 >> 24), static_cast<std::uint8_t>(*v4 >> 16),
        static_cast<std::uint8_t>(*v4 >> 8), static_cast<std::uint8_t>(*v4)};
    address = core::IpAddress::fromBytes(core::IpFamily::V4, bytes);
  }
  if (!port || !address) {
    return std::nullopt;
  }
  return Endpoint{*address, *port};
}

std::optional<core::ForwardMethod> parseForward(std::string_view name) {
  if (name == "Masq") {
    return core::ForwardMethod::Masquerade;
  }
  if (name == "Local") {
    return core::ForwardMethod::Local;
  }
  if (name == "Tunnel") {
    return core::ForwardMethod::Tunnel;
  }
  if (name == "Route") {
    return core::ForwardMethod::DirectRoute;
  }
  if (name == "Bypass") {
    return core::ForwardMethod::Bypass;
  }
  return std::nullopt;
}

// "  -> 0A000002:1F90      Masq    1      0          0"
std::optional<core::RealServerStatus> parseRealServer(std::string_view line) {
  nextToken(line);  // "->"
  const auto endpoint = parseEndpoint(nextToken(line));
  const auto forward = parseForward(nextToken(line));
  const auto weight = number<std::int32_t>(nextToken(line));
  const auto active = number<std::uint32_t>(nextToken(line));
  const auto inactive = number<std::uint32_t>(nextToken(line));
  if (!endpoint || !forward || !weight || !active || !inactive) {
    return std::nullopt;
  }
  core::RealServerStatus status;
  status.server = {
      .address = endpoint->address, .port = endpoint->port, .weight = *weight, .forward = *forward};
  status.activeConnections = *active;
  status.inactiveConnections = *inactive;
  return status;
}

// "TCP  0A000001:0050 rr " or "UDP  [fd00::…]:0035 sh persistent 10800 FFFFFFFF"
std::optional<core::VirtualServiceKey> parseService(std::string_view line) {
  const auto protocol = core::parseProtocol(nextToken(line));
  const auto endpoint = parseEndpoint(nextToken(line));
  if (!protocol || !endpoint) {
    return std::nullopt;
  }
  return core::VirtualServiceKey{.family = endpoint->address.family(),
                                 .protocol = *protocol,
                                 .address = endpoint->address,
                                 .port = endpoint->port};
}

}  // namespace

RealServersByService parseProcIpVs(std::string_view text) {
  RealServersByService result;
  std::vector<core::RealServerStatus>* current = nullptr;  // the last service line's entry
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.substr(0, 5) == "  -> ") {
      if (current != nullptr) {
        if (auto real = parseRealServer(line)) {
          current->push_back(*real);
        }
      }
    } else if (const auto key = parseService(line)) {
      current = &result[*key];
    } else {
      current = nullptr;  // headers, FWM services, anything unknown: their lines are not attributed
    }
  }
  return result;
}

RealServersByService readProcIpVs(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), std::string("cannot open ") + path);
  }
  std::string text;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    const auto got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), std::string("cannot read ") + path);
    }
    if (got == 0) {
      break;
    }
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fd);
  return parseProcIpVs(text);
}

}  // namespace kipvs::ipvs
