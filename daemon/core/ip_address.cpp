#include "core/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace kipvs::core {

std::string_view toString(IpFamily family) {
  return family == IpFamily::V4 ? "IPv4" : "IPv6";
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) {
    return std::nullopt;
  }
  const std::string zeroTerminated(text);
  std::array<std::uint8_t, 16> buffer{};
  if (inet_pton(AF_INET, zeroTerminated.c_str(), buffer.data()) == 1) {
    return fromBytes(IpFamily::V4, std::span(buffer).first(4));
  }
  if (inet_pton(AF_INET6, zeroTerminated.c_str(), buffer.data()) == 1) {
    return fromBytes(IpFamily::V6, buffer);
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::fromBytes(IpFamily family, std::span<const std::uint8_t> bytes) {
  const std::size_t size = family == IpFamily::V4 ? 4 : 16;
  if (bytes.size() < size) {
    return std::nullopt;
  }
  IpAddress address;
  address.family_ = family;
  std::copy_n(bytes.begin(), size, address.bytes_.begin());
  return address;
}

std::string IpAddress::toString() const {
  std::array<char, INET6_ADDRSTRLEN> text{};
  inet_ntop(family_ == IpFamily::V4 ? AF_INET : AF_INET6, bytes_.data(), text.data(), text.size());
  return text.data();
}

bool IpAddress::isUnspecified() const {
  const auto view = bytes();
  return std::all_of(view.begin(), view.end(), [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::isLoopback() const {
  if (family_ == IpFamily::V4) {
    return bytes_[0] == 127;
  }
  return std::all_of(bytes_.begin(), bytes_.begin() + 15, [](std::uint8_t b) { return b == 0; }) &&
         bytes_[15] == 1;
}

bool IpAddress::isLinkLocal() const {
  if (family_ == IpFamily::V4) {
    return bytes_[0] == 169 && bytes_[1] == 254;
  }
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::ostream& operator<<(std::ostream& out, const IpAddress& address) {
  return out << address.toString();
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) {
    return std::nullopt;
  }
  const unsigned maxLength = address->family() == IpFamily::V4 ? 32 : 128;
  unsigned length = maxLength;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
        length > maxLength) {
      return std::nullopt;
    }
  }
  return Cidr{.base = *address, .prefixLength = static_cast<std::uint8_t>(length)};
}

bool Cidr::contains(const IpAddress& address) const {
  if (address.family() != base.family()) {
    return false;
  }
  const auto a = address.bytes();
  const auto b = base.bytes();
  unsigned remaining = prefixLength;
  for (std::size_t i = 0; i < a.size() && remaining > 0; ++i) {
    const unsigned bits = std::min(remaining, 8U);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) {
      return false;
    }
    remaining -= bits;
  }
  return true;
}

std::string Cidr::toString() const {
  return base.toString() + "/" + std::to_string(prefixLength);
}

std::ostream& operator<<(std::ostream& out, const Cidr& cidr) {
  return out << cidr.toString();
}

}  // namespace kipvs::core
