#include "ipvs/attributes.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

#include "ipvs/ipvs_error.hpp"

namespace kipvs::ipvs {
namespace {

constexpr std::size_t kHeaderLength = 4;     // struct nlattr: u16 nla_len, u16 nla_type
constexpr std::uint16_t kTypeMask = 0x3fff;  // without NLA_F_NESTED / NLA_F_NET_BYTEORDER

constexpr std::size_t align4(std::size_t length) {
  return (length + 3U) & ~std::size_t{3};
}

template <typename T>
T load(std::span<const std::uint8_t> bytes) {
  T value{};
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

}  // namespace

std::uint8_t* AttrWriter::reserve(std::uint16_t type, std::size_t payloadLength) {
  const std::size_t length = kHeaderLength + payloadLength;
  if (length > 0xffff) {
    throw IpvsError(EMSGSIZE, "encode netlink attribute " + std::to_string(type));
  }
  const std::size_t start = bytes_.size();
  bytes_.resize(start + align4(length), 0);
  const auto nlaLength = static_cast<std::uint16_t>(length);
  std::memcpy(&bytes_[start], &nlaLength, 2);
  std::memcpy(&bytes_[start + 2], &type, 2);
  return &bytes_[start + kHeaderLength];
}

void AttrWriter::putU8(std::uint16_t type, std::uint8_t value) {
  *reserve(type, 1) = value;
}
void AttrWriter::putU16(std::uint16_t type, std::uint16_t value) {
  std::memcpy(reserve(type, 2), &value, 2);
}
void AttrWriter::putU32(std::uint16_t type, std::uint32_t value) {
  std::memcpy(reserve(type, 4), &value, 4);
}
void AttrWriter::putU64(std::uint16_t type, std::uint64_t value) {
  std::memcpy(reserve(type, 8), &value, 8);
}
void AttrWriter::putBe16(std::uint16_t type, std::uint16_t value) {
  putU16(type, htons(value));
}
void AttrWriter::putBe32(std::uint16_t type, std::uint32_t value) {
  putU32(type, htonl(value));
}

void AttrWriter::putString(std::uint16_t type, std::string_view value) {
  std::uint8_t* out = reserve(type, value.size() + 1);
  std::memcpy(out, value.data(), value.size());
  out[value.size()] = 0;
}

void AttrWriter::putBytes(std::uint16_t type, std::span<const std::uint8_t> value) {
  std::uint8_t* out = reserve(type, value.size());
  if (!value.empty()) {
    std::memcpy(out, value.data(), value.size());
  }
}

std::size_t AttrWriter::beginNested(std::uint16_t type) {
  const std::size_t start = bytes_.size();
  reserve(type, 0);
  return start;
}

void AttrWriter::endNested(std::size_t token) {
  const std::size_t length = bytes_.size() - token;
  if (length > 0xffff) {
    throw IpvsError(EMSGSIZE, "encode nested netlink attribute");
  }
  const auto nlaLength = static_cast<std::uint16_t>(length);
  std::memcpy(&bytes_[token], &nlaLength, 2);
}

Attributes Attributes::parse(std::span<const std::uint8_t> data, std::string_view context) {
  Attributes result;
  result.context_ = std::string(context);
  std::size_t offset = 0;
  while (offset < data.size()) {
    const std::size_t remaining = data.size() - offset;
    if (remaining < kHeaderLength) {
      throw IpvsError(EBADMSG, "decode " + result.context_ + ": " + std::to_string(remaining) +
                                   " trailing bytes, too short for an attribute header");
    }
    const auto length = load<std::uint16_t>(data.subspan(offset, 2));
    const auto type =
        static_cast<std::uint16_t>(load<std::uint16_t>(data.subspan(offset + 2, 2)) & kTypeMask);
    if (length < kHeaderLength || length > remaining) {
      throw IpvsError(EBADMSG, "decode " + result.context_ + ": attribute " + std::to_string(type) +
                                   " claims length " + std::to_string(length) + " but " +
                                   std::to_string(remaining) + " bytes remain");
    }
    if (type <= kMaxType) {
      result.values_[type] = data.subspan(offset + kHeaderLength, length - kHeaderLength);
      result.present_.set(type);
    }
    offset += std::min(align4(length), remaining);
  }
  return result;
}

void Attributes::fail(std::uint16_t type, const std::string& problem) const {
  throw IpvsError(EBADMSG, "decode " + context_ + ": attribute " + std::to_string(type) + " " + problem);
}

std::span<const std::uint8_t> Attributes::bytes(std::uint16_t type) const {
  if (!has(type)) {
    fail(type, "is missing");
  }
  return values_[type];
}

std::span<const std::uint8_t> Attributes::sized(std::uint16_t type, std::size_t minimum) const {
  auto value = bytes(type);
  if (value.size() < minimum) {
    fail(type, "has " + std::to_string(value.size()) + " bytes, expected " + std::to_string(minimum));
  }
  return value;
}

std::uint8_t Attributes::u8(std::uint16_t type) const {
  return sized(type, 1)[0];
}
std::uint16_t Attributes::u16(std::uint16_t type) const {
  return load<std::uint16_t>(sized(type, 2));
}
std::uint32_t Attributes::u32(std::uint16_t type) const {
  return load<std::uint32_t>(sized(type, 4));
}
std::uint16_t Attributes::be16(std::uint16_t type) const {
  return ntohs(u16(type));
}
std::uint32_t Attributes::be32(std::uint16_t type) const {
  return ntohl(u32(type));
}

std::uint64_t Attributes::u64(std::uint16_t type) const {
  auto value = sized(type, 4);
  if (value.size() >= 8) {
    return load<std::uint64_t>(value);
  }
  return load<std::uint32_t>(value);
}

std::string Attributes::string(std::uint16_t type) const {
  auto value = bytes(type);
  const auto* begin = reinterpret_cast<const char*>(value.data());
  return {begin, strnlen(begin, value.size())};
}

Attributes Attributes::nested(std::uint16_t type, std::string_view context) const {
  return parse(bytes(type), context);
}

}  // namespace kipvs::ipvs
