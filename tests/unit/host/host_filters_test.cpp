#include <gtest/gtest.h>
#include <netinet/in.h>

#include "host/conntrack_flush.hpp"
#include "host/local_addresses.hpp"

namespace kipvs::host {
namespace {

using core::IpAddress;
using core::IpFamily;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

TEST(NodePortCandidates, SkipKipvs0LoopbackAndV6LinkLocal) {
  const std::vector<InterfaceAddress> all{
      {1, ip("127.0.0.1")},   {1, ip("::1")},         {2, ip("192.0.2.7")}, {2, ip("fe80::1")},
      {2, ip("2001:db8::7")}, {3, ip("169.254.3.3")}, {9, ip("10.96.0.1")}, {9, ip("fd00::10")},
      {4, ip("192.0.2.7")},   {4, ip("198.51.100.1")}};
  EXPECT_EQ(nodePortCandidates(all, 9), (std::vector<IpAddress>{ip("169.254.3.3"), ip("192.0.2.7"),
                                                                ip("198.51.100.1"), ip("2001:db8::7")}));
  EXPECT_EQ(nodePortCandidates(all, 9, IpFamily::V6), std::vector<IpAddress>{ip("2001:db8::7")});
  // Without kipvs0 (not created yet) nothing is excluded by link.
  EXPECT_EQ(nodePortCandidates(all, 0, IpFamily::V6),
            (std::vector<IpAddress>{ip("2001:db8::7"), ip("fd00::10")}));
}

ConntrackTuple tuple(const char* dst, std::uint8_t proto, std::uint16_t port, const char* replySrc) {
  return {.originalDestination = ip(dst),
          .ipProtocol = proto,
          .originalDestinationPort = port,
          .replySource = ip(replySrc)};
}

TEST(ConntrackFilter, MatchesOriginalDestinationPortAndProtocol) {
  const ConntrackFilter filter{.destination = ip("10.96.0.10"),
                               .protocol = core::Protocol::Udp,
                               .port = 53,
                               .replySource = std::nullopt};
  EXPECT_TRUE(matches(filter, tuple("10.96.0.10", IPPROTO_UDP, 53, "10.244.1.5")));
  EXPECT_FALSE(matches(filter, tuple("10.96.0.10", IPPROTO_TCP, 53, "10.244.1.5")));
  EXPECT_FALSE(matches(filter, tuple("10.96.0.10", IPPROTO_UDP, 54, "10.244.1.5")));
  EXPECT_FALSE(matches(filter, tuple("10.96.0.11", IPPROTO_UDP, 53, "10.244.1.5")));
}

TEST(ConntrackFilter, ReplySourceNarrowsToOneRealServer) {
  const ConntrackFilter filter{.destination = ip("fd00::a"),
                               .protocol = core::Protocol::Sctp,
                               .port = 9,
                               .replySource = ip("fd00:244::5")};
  EXPECT_TRUE(matches(filter, tuple("fd00::a", IPPROTO_SCTP, 9, "fd00:244::5")));
  EXPECT_FALSE(matches(filter, tuple("fd00::a", IPPROTO_SCTP, 9, "fd00:244::6")));
  const std::vector<ConntrackFilter> filters{filter,
                                             {.destination = ip("10.96.0.1"),
                                              .protocol = core::Protocol::Udp,
                                              .port = 1,
                                              .replySource = std::nullopt}};
  EXPECT_TRUE(matchesAny(filters, tuple("10.96.0.1", IPPROTO_UDP, 1, "10.0.0.1")));
  EXPECT_FALSE(matchesAny(filters, tuple("10.96.0.1", IPPROTO_UDP, 2, "10.0.0.1")));
  EXPECT_FALSE(matchesAny({}, tuple("10.96.0.1", IPPROTO_UDP, 1, "10.0.0.1")));
}

}  // namespace
}  // namespace kipvs::host
