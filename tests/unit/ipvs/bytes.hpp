#pragma once

// Hand-built netlink bytes for codec tests, independent of the code under test (little-endian host).

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace kipvs::ipvs::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes le16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
}
inline Bytes be16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
inline Bytes le32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 24)};
}
inline Bytes be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
inline Bytes le64(std::uint64_t v) {
  Bytes out = le32(static_cast<std::uint32_t>(v));
  const Bytes high = le32(static_cast<std::uint32_t>(v >> 32));
  out.insert(out.end(), high.begin(), high.end());
  return out;
}
inline Bytes str(std::string_view s) {
  Bytes out(s.begin(), s.end());
  out.push_back(0);
  return out;
}
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}
// One attribute: header, payload, zero padding to 4 bytes.
inline Bytes attr(std::uint16_t type, const Bytes& payload) {
  Bytes out = cat({le16(static_cast<std::uint16_t>(4 + payload.size())), le16(type), payload});
  out.resize((out.size() + 3) & ~std::size_t{3}, 0);
  return out;
}
inline Bytes nest(std::uint16_t type, std::initializer_list<Bytes> children) {
  return attr(type, cat(children));
}
// An address the way the kernel sends it: union nf_inet_addr, 16 bytes.
inline Bytes inetAddr(std::initializer_list<std::uint8_t> bytes) {
  Bytes out(bytes);
  out.resize(16, 0);
  return out;
}

}  // namespace kipvs::ipvs::testing
