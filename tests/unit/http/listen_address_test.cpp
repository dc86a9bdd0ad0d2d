#include "http/listen_address.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <system_error>

namespace kipvs::http {
namespace {

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
  const auto v4 = ListenAddress::parse("0.0.0.0:10256");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, 10256);
  EXPECT_EQ(v4->toString(), "0.0.0.0:10256");
  const auto v6 = ListenAddress::parse("[::1]:10249");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->ip.family(), core::IpFamily::V6);
  EXPECT_EQ(v6->toString(), "[::1]:10249");
}

TEST(ListenAddress, RefusesMalformedText) {
  for (const char* text : {"", "10256", ":10256", "0.0.0.0", "0.0.0.0:", "0.0.0.0:65536", "0.0.0.0:-1",
                           "0.0.0.0:1x", "::1:10256", "[127.0.0.1]:80", "[::1]10256", "host:80"}) {
    EXPECT_FALSE(ListenAddress::parse(text)) << text;
  }
}

TEST(OpenListeningSocket, BindsAnEphemeralPortAndRefusesATakenOne) {
  const auto loopback = *ListenAddress::parse("127.0.0.1:0");
  const int fd = openListeningSocket(loopback, 4);
  const auto port = boundPort(fd);
  EXPECT_NE(port, 0);
  try {
    openListeningSocket({loopback.ip, port}, 4);
    ADD_FAILURE() << "a second listener on the same port";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), EADDRINUSE);
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  }
  close(fd);
}

}  // namespace
}  // namespace kipvs::http
