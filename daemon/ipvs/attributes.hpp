#pragma once

// Netlink attributes (struct nlattr TLVs) as bytes: a writer for requests and a strict reader for
// replies. Pure: no socket, no libnl state. Integers are host-endian unless named be16/be32.

#include <array>
#include <bitset>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::ipvs {

class AttrWriter {
 public:
  void putU8(std::uint16_t type, std::uint8_t value);
  void putU16(std::uint16_t type, std::uint16_t value);
  void putU32(std::uint16_t type, std::uint32_t value);
  void putU64(std::uint16_t type, std::uint64_t value);
  void putBe16(std::uint16_t type, std::uint16_t value);
  void putBe32(std::uint16_t type, std::uint32_t value);
  void putString(std::uint16_t type, std::string_view value);  // NUL-terminated, like nla_put_string
  void putBytes(std::uint16_t type, std::span<const std::uint8_t> value);

  // Nested attributes: everything put between begin and end goes inside.
  std::size_t beginNested(std::uint16_t type);
  void endNested(std::size_t token);

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  std::uint8_t* reserve(std::uint16_t type, std::size_t payloadLength);
  std::vector<std::uint8_t> bytes_;
};

// A parsed attribute stream: views into the parsed bytes, which must outlive it. Parsing rejects truncated or
// overlong attributes (IpvsError EBADMSG, naming `context`); attribute types beyond kMaxType are skipped so
// newer kernels still decode.
class Attributes {
 public:
  static constexpr std::uint16_t kMaxType = 31;

  static Attributes parse(std::span<const std::uint8_t> data, std::string_view context);

  bool has(std::uint16_t type) const { return type <= kMaxType && present_.test(type); }
  std::span<const std::uint8_t> bytes(std::uint16_t type) const;  // throws when missing
  std::uint8_t u8(std::uint16_t type) const;
  std::uint16_t u16(std::uint16_t type) const;
  std::uint32_t u32(std::uint16_t type) const;
  std::uint64_t u64(std::uint16_t type) const;  // accepts a 4-byte or an 8-byte value
  std::uint16_t be16(std::uint16_t type) const;
  std::uint32_t be32(std::uint16_t type) const;
  std::string string(std::uint16_t type) const;  // stops at the first NUL
  Attributes nested(std::uint16_t type, std::string_view context) const;

  const std::string& context() const { return context_; }

 private:
  std::span<const std::uint8_t> sized(std::uint16_t type, std::size_t minimum) const;
  [[noreturn]] void fail(std::uint16_t type, const std::string& problem) const;

  std::array<std::span<const std::uint8_t>, kMaxType + 1> values_{};
  std::bitset<kMaxType + 1> present_;
  std::string context_;
};

}  // namespace kipvs::ipvs
