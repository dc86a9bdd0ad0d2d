#include "core/ownership.hpp"

#include <gtest/gtest.h>

#include "core_fixtures.hpp"

namespace kipvs::core {
namespace {

using namespace kipvs::core::testing;

TEST(OwnershipRecord, RoundTripsThroughItsTextFormat) {
  OwnershipRecord record;
  record.services.insert(
      {.family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.96.0.10"), .port = 80});
  record.services.insert(
      {.family = IpFamily::V6, .protocol = Protocol::Sctp, .address = ip("fd00::a"), .port = 9});
  VirtualServiceKey mark;
  mark.family = IpFamily::V6;
  mark.fwmark = 7;
  record.services.insert(mark);
  const auto text = record.toText();
  EXPECT_EQ(text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\nfwm 7 IPv6\nvs SCTP fd00::a 9\n");
  EXPECT_EQ(OwnershipRecord::parse(text), record);
}

TEST(OwnershipRecord, AcceptsCommentsAndBlankLines) {
  const auto record =
      OwnershipRecord::parse("# kept by kipvsd\n\nkipvs-ownership 1\n  vs UDP 10.96.0.53 53  # dns\n");
  ASSERT_EQ(record.services.size(), 1U);
  EXPECT_EQ(record.services.begin()->protocol, Protocol::Udp);
}

TEST(OwnershipRecord, RejectsBadLinesNamingTheLine) {
  for (const auto* text : {"kipvs-ownership 2\n", "kipvs-ownership 1\nvs TCP 10.96.0.10 70000\n",
                           "kipvs-ownership 1\nvs ICMP 10.96.0.10 80\n", "kipvs-ownership 1\nfwm 0 IPv4\n",
                           "kipvs-ownership 1\nrs 10.0.0.1\n"}) {
    EXPECT_THROW(OwnershipRecord::parse(text), OwnershipParseError) << text;
  }
  try {
    OwnershipRecord::parse("kipvs-ownership 1\n\nvs TCP nope 80\n");
    FAIL() << "parsed a bad address";
  } catch (const OwnershipParseError& error) {
    EXPECT_EQ(error.line(), 3U);
  }
}

TEST(OwnershipRecord, KeepsAPendingKubeProxyTakeoverAcrossARestart) {
  OwnershipRecord record;
  record.services.insert(
      {.family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.96.0.10"), .port = 80});
  record.kubeProxyTakeoverPending = true;
  const auto text = record.toText();
  EXPECT_EQ(text, "kipvs-ownership 1\nvs TCP 10.96.0.10 80\ntakeover kube-proxy pending\n");
  EXPECT_EQ(OwnershipRecord::parse(text), record);
  EXPECT_FALSE(OwnershipRecord::parse("kipvs-ownership 1\n").kubeProxyTakeoverPending);
  EXPECT_THROW(OwnershipRecord::parse("kipvs-ownership 1\ntakeover calico pending\n"), OwnershipParseError);
}

TEST(OwnershipRecord, EmptyTextIsAnEmptyRecord) {
  EXPECT_TRUE(OwnershipRecord::parse("").services.empty());
}

}  // namespace
}  // namespace kipvs::core
