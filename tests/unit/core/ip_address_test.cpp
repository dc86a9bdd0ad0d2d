#include "core/ip_address.hpp"

#include <gtest/gtest.h>

namespace kipvs::core {
namespace {

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
  const auto v4 = IpAddress::parse("10.96.0.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family(), IpFamily::V4);
  EXPECT_EQ(v4->toString(), "10.96.0.1");
  const auto v6 = IpAddress::parse("FD00:10:96::0001");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family(), IpFamily::V6);
  EXPECT_EQ(v6->toString(), "fd00:10:96::1");
}

TEST(IpAddress, RejectsGarbage) {
  for (const char* text : {"", "10.0.0", "10.0.0.256", "::g", "None", "10.0.0.1/32", " 10.0.0.1"}) {
    EXPECT_FALSE(IpAddress::parse(text)) << text;
  }
}

TEST(IpAddress, ClassifiesLoopbackAndLinkLocal) {
  EXPECT_TRUE(IpAddress::parse("127.3.0.1")->isLoopback());
  EXPECT_TRUE(IpAddress::parse("::1")->isLoopback());
  EXPECT_TRUE(IpAddress::parse("fe80::1")->isLinkLocal());
  EXPECT_TRUE(IpAddress::parse("169.254.1.1")->isLinkLocal());
  EXPECT_FALSE(IpAddress::parse("10.0.0.1")->isLoopback());
  EXPECT_TRUE(IpAddress().isUnspecified());
}

TEST(IpAddress, OrdersByFamilyThenBytes) {
  EXPECT_LT(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"));
  EXPECT_LT(*IpAddress::parse("255.255.255.255"), *IpAddress::parse("::"));
}

TEST(Cidr, ContainsOnlyAddressesOfItsPrefixAndFamily) {
  const auto cidr = Cidr::parse("10.244.0.0/16");
  ASSERT_TRUE(cidr);
  EXPECT_TRUE(cidr->contains(*IpAddress::parse("10.244.255.1")));
  EXPECT_FALSE(cidr->contains(*IpAddress::parse("10.245.0.1")));
  EXPECT_FALSE(cidr->contains(*IpAddress::parse("::1")));
  const auto odd = Cidr::parse("fd00::/7");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*IpAddress::parse("fc00::1")));
  EXPECT_FALSE(odd->contains(*IpAddress::parse("fe00::1")));
}

TEST(Cidr, RejectsBadPrefixes) {
  for (const char* text : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/a", "::/129", "x/8"}) {
    EXPECT_FALSE(Cidr::parse(text)) << text;
  }
  EXPECT_EQ(Cidr::parse("10.0.0.1")->prefixLength, 32);
}

}  // namespace
}  // namespace kipvs::core
