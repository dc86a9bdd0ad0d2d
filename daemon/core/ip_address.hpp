#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace kipvs::core {

enum class IpFamily : std::uint8_t { V4, V6 };

std::string_view toString(IpFamily family);

// An IPv4 or IPv6 address as a plain value: comparable, hashable by bytes, printable.
class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0

  static std::optional<IpAddress> parse(std::string_view text);
  // `bytes` must hold 4 (V4) or 16 (V6) bytes in network order; fewer yields nullopt.
  static std::optional<IpAddress> fromBytes(IpFamily family, std::span<const std::uint8_t> bytes);

  IpFamily family() const { return family_; }
  std::span<const std::uint8_t> bytes() const { return {bytes_.data(), family_ == IpFamily::V4 ? 4U : 16U}; }
  std::string toString() const;

  bool isUnspecified() const;
  bool isLoopback() const;
  bool isLinkLocal() const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  IpFamily family_ = IpFamily::V4;
  std::array<std::uint8_t, 16> bytes_{};
};

std::ostream& operator<<(std::ostream& out, const IpAddress& address);

// An address prefix such as 10.244.0.0/16 or fd00::/64.
struct Cidr {
  IpAddress base;
  std::uint8_t prefixLength = 0;

  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
  std::string toString() const;

  auto operator<=>(const Cidr&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Cidr& cidr);

}  // namespace kipvs::core
