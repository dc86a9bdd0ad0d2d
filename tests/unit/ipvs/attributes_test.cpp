#include "ipvs/attributes.hpp"

#include <gtest/gtest.h>

#include "bytes.hpp"
#include "ipvs_test_util.hpp"

namespace kipvs::ipvs {
namespace {

using namespace testing;

TEST(AttrWriter, PadsEachAttributeToFourBytes) {
  AttrWriter out;
  out.putString(6, "rr");
  out.putU16(1, 2);
  EXPECT_EQ(out.bytes(), cat({attr(6, str("rr")), attr(1, le16(2))}));
  EXPECT_EQ(out.bytes().size(), 16U);
}

TEST(AttrWriter, WritesNetworkOrderWhenAsked) {
  AttrWriter out;
  out.putBe16(4, 80);
  out.putBe32(9, 0xffffff00);
  EXPECT_EQ(out.bytes(), cat({attr(4, be16(80)), attr(9, be32(0xffffff00))}));
}

TEST(AttrWriter, NestedLengthCoversChildren) {
  AttrWriter out;
  const auto token = out.beginNested(1);
  out.putU32(5, 7);
  out.putU64(6, 9);
  out.endNested(token);
  EXPECT_EQ(out.bytes(), nest(1, {attr(5, le32(7)), attr(6, le64(9))}));
}

TEST(Attributes, ReadsEveryWidth) {
  const Bytes data = cat({attr(1, {0x7}), attr(2, le16(513)), attr(3, le32(70000)), attr(4, le64(1ULL << 40)),
                          attr(5, be16(8080)), attr(6, be32(0x0a000001)), attr(7, str("wlc"))});
  const auto attrs = Attributes::parse(data, "test");
  EXPECT_EQ(attrs.u8(1), 7);
  EXPECT_EQ(attrs.u16(2), 513);
  EXPECT_EQ(attrs.u32(3), 70000U);
  EXPECT_EQ(attrs.u64(4), 1ULL << 40);
  EXPECT_EQ(attrs.u64(3), 70000U) << "a 32-bit counter widens";
  EXPECT_EQ(attrs.be16(5), 8080);
  EXPECT_EQ(attrs.be32(6), 0x0a000001U);
  EXPECT_EQ(attrs.string(7), "wlc");
  EXPECT_FALSE(attrs.has(8));
}

TEST(Attributes, SkipsUnknownTypesAndIgnoresTypeFlags) {
  const Bytes data = cat({attr(200, le32(1)), attr(0x8000 | 2, le32(5))});
  const auto attrs = Attributes::parse(data, "test");
  EXPECT_EQ(attrs.u32(2), 5U);
}

TEST(Attributes, AcceptsAMissingFinalPad) {
  Bytes data = attr(6, str("rr"));
  data.pop_back();  // length 7, no padding byte
  EXPECT_EQ(Attributes::parse(data, "test").string(6), "rr");
}

TEST(Attributes, RejectsATruncatedHeader) {
  const Bytes data = cat({attr(1, le32(1)), Bytes{0x08, 0x00}});
  EXPECT_EQ(errnoOf([&] { Attributes::parse(data, "test"); }), EBADMSG);
}

TEST(Attributes, RejectsALengthBeyondTheBuffer) {
  Bytes data = attr(1, le32(1));
  data.resize(6);
  EXPECT_EQ(errnoOf([&] { Attributes::parse(data, "test"); }), EBADMSG);
}

TEST(Attributes, RejectsALengthShorterThanTheHeader) {
  const Bytes data = cat({le16(2), le16(1), le32(0)});
  EXPECT_EQ(errnoOf([&] { Attributes::parse(data, "test"); }), EBADMSG);
}

TEST(Attributes, ShortValueIsANamedError) {
  const Bytes data = attr(3, le16(1));
  const auto attrs = Attributes::parse(data, "IPVS service");
  try {
    attrs.u32(3);
    FAIL() << "no error";
  } catch (const IpvsError& error) {
    EXPECT_EQ(error.errnum(), EBADMSG);
    EXPECT_NE(std::string(error.what()).find("IPVS service: attribute 3 has 2 bytes, expected 4"),
              std::string::npos)
        << error.what();
  }
}

TEST(Attributes, MissingValueIsAnError) {
  const auto attrs = Attributes::parse({}, "test");
  EXPECT_EQ(errnoOf([&] { attrs.u16(1); }), EBADMSG);
  EXPECT_EQ(errnoOf([&] { attrs.nested(1, "inner"); }), EBADMSG);
}

TEST(Attributes, StringStopsAtNulAndToleratesNone) {
  const Bytes data = cat({attr(1, Bytes{'a', 'b'}), attr(2, Bytes{'x', 0, 'y'})});
  const auto attrs = Attributes::parse(data, "test");
  EXPECT_EQ(attrs.string(1), "ab");
  EXPECT_EQ(attrs.string(2), "x");
}

}  // namespace
}  // namespace kipvs::ipvs
