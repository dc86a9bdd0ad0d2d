#include "ipvs/proc_ip_vs.hpp"

#include <gtest/gtest.h>

namespace kipvs::ipvs {
namespace {

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

// As ip_vs_info_seq_show prints it (net/netfilter/ipvs/ip_vs_ctl.c), trailing spaces included.
constexpr const char* kProcText =
    "IP Virtual Server version 1.2.1 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
    "TCP  0A600001:01BB rr \n"
    "  -> 0A0A0102:1F90      Masq    1      3          7         \n"
    "  -> 0A0A0203:1F90      Masq    0      0          12        \n"
    "UDP  0A60000A:0035 sh persistent 10800 FFFFFFFF\n"
    "  -> 0A0A0104:0035      Masq    1      0          2         \n"
    "FWM  00000007 rr \n"
    "  -> 0A0A0105:0050      Route   1      9          9         \n"
    "TCP  [fd00:0000:0000:0000:0000:0000:0000:0001]:0050 rr \n"
    "  -> [fd00:0000:0000:0000:0000:0000:0001:0002]:1F90      Masq    2      1          0         \n"
    "SCTP  0A600002:0BB8 rr \n";

TEST(ProcIpVs, ReadsEveryRealServerOfEveryAddressedService) {
  const auto parsed = parseProcIpVs(kProcText);
  const core::VirtualServiceKey https{
      .protocol = core::Protocol::Tcp, .address = ip("10.96.0.1"), .port = 443};
  const core::VirtualServiceKey dns{.protocol = core::Protocol::Udp, .address = ip("10.96.0.10"), .port = 53};
  const core::VirtualServiceKey v6{
      .family = core::IpFamily::V6, .protocol = core::Protocol::Tcp, .address = ip("fd00::1"), .port = 80};
  const core::VirtualServiceKey empty{
      .protocol = core::Protocol::Sctp, .address = ip("10.96.0.2"), .port = 3000};
  ASSERT_EQ(parsed.size(), 4U);  // the FWM service is left out

  const auto& reals = parsed.at(https);
  ASSERT_EQ(reals.size(), 2U);
  EXPECT_EQ(reals[0].server.address, ip("10.10.1.2"));
  EXPECT_EQ(reals[0].server.port, 8080);
  EXPECT_EQ(reals[0].server.weight, 1);
  EXPECT_EQ(reals[0].activeConnections, 3U);
  EXPECT_EQ(reals[0].inactiveConnections, 7U);
  EXPECT_EQ(reals[1].server.weight, 0);
  EXPECT_EQ(reals[1].inactiveConnections, 12U);

  ASSERT_EQ(parsed.at(dns).size(), 1U);
  EXPECT_EQ(parsed.at(dns)[0].inactiveConnections, 2U);
  ASSERT_EQ(parsed.at(v6).size(), 1U);
  EXPECT_EQ(parsed.at(v6)[0].server.address, ip("fd00::1:2"));
  EXPECT_EQ(parsed.at(v6)[0].server.weight, 2);
  EXPECT_EQ(parsed.at(v6)[0].activeConnections, 1U);
  EXPECT_TRUE(parsed.at(empty).empty());
}

TEST(ProcIpVs, SkipsLinesItCannotReadAndKeepsTheRest) {
  const auto parsed = parseProcIpVs(
      "TCP  0A600001:01BB rr\n"
      "  -> garbage\n"
      "  -> 0A0A0102:1F90      Masq    1      oops       0\n"
      "  -> 0A0A0103:1F90      Masq    1      4          0\n"
      "XYZ  0A600002:01BB rr\n"
      "  -> 0A0A0104:1F90      Masq    1      4          0\n");
  ASSERT_EQ(parsed.size(), 1U);
  const auto& reals = parsed.begin()->second;
  ASSERT_EQ(reals.size(), 1U);
  EXPECT_EQ(reals[0].server.address, ip("10.10.1.3"));
}

TEST(ProcIpVs, AMissingFileIsAnErrorWithItsName) {
  try {
    readProcIpVs("/nonexistent/ip_vs");
    FAIL() << "expected an error";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/ip_vs"), std::string::npos);
  }
}

}  // namespace
}  // namespace kipvs::ipvs
