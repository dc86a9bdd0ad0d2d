// Decoding: kernel replies (laid out as ip_vs_ctl.c fills them) become core values; malformed ones
// become IpvsError(EBADMSG), never a crash.

#include <gtest/gtest.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <random>

#include "bytes.hpp"
#include "ipvs/codec.hpp"
#include "ipvs_test_util.hpp"

namespace kipvs::ipvs {
namespace {

using namespace testing;
using core::IpFamily;
using core::Protocol;

Bytes stats64(std::uint64_t conns, std::uint64_t inBytes) {
  // The kernel pads u64 attributes with IPVS_STATS_ATTR_PAD where alignment needs it.
  return nest(IPVS_SVC_ATTR_STATS64,
              {attr(IPVS_STATS_ATTR_PAD, {}), attr(IPVS_STATS_ATTR_CONNS, le64(conns)),
               attr(IPVS_STATS_ATTR_INPKTS, le64(11)), attr(IPVS_STATS_ATTR_OUTPKTS, le64(12)),
               attr(IPVS_STATS_ATTR_INBYTES, le64(inBytes)), attr(IPVS_STATS_ATTR_OUTBYTES, le64(14)),
               attr(IPVS_STATS_ATTR_CPS, le64(15)), attr(IPVS_STATS_ATTR_INPPS, le64(16)),
               attr(IPVS_STATS_ATTR_OUTPPS, le64(17)), attr(IPVS_STATS_ATTR_INBPS, le64(18)),
               attr(IPVS_STATS_ATTR_OUTBPS, le64(19))});
}

Bytes stats32(std::uint32_t conns) {
  return nest(IPVS_SVC_ATTR_STATS,
              {attr(IPVS_STATS_ATTR_CONNS, le32(conns)), attr(IPVS_STATS_ATTR_INPKTS, le32(3)),
               attr(IPVS_STATS_ATTR_INBYTES, le64(1ULL << 33))});
}

// A service dump message payload as the kernel sends it for TCP 10.0.0.1:80.
Bytes kernelV4Service() {
  return nest(IPVS_CMD_ATTR_SERVICE,
              {attr(IPVS_SVC_ATTR_AF, le16(AF_INET)), attr(IPVS_SVC_ATTR_PROTOCOL, le16(IPPROTO_TCP)),
               attr(IPVS_SVC_ATTR_ADDR, inetAddr({10, 0, 0, 1})), attr(IPVS_SVC_ATTR_PORT, be16(80)),
               attr(IPVS_SVC_ATTR_SCHED_NAME, str("wrr")),
               attr(IPVS_SVC_ATTR_FLAGS, cat({le32(IP_VS_SVC_F_HASHED | IP_VS_SVC_F_PERSISTENT), le32(~0U)})),
               attr(IPVS_SVC_ATTR_TIMEOUT, le32(360)), attr(IPVS_SVC_ATTR_NETMASK, be32(0xffffff00)),
               stats32(4), stats64(5, 1ULL << 40)});
}

Bytes kernelV6Dest() {
  return nest(
      IPVS_CMD_ATTR_DEST,
      {attr(IPVS_DEST_ATTR_ADDR, inetAddr({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9})),
       attr(IPVS_DEST_ATTR_PORT, be16(8443)), attr(IPVS_DEST_ATTR_FWD_METHOD, le32(IP_VS_CONN_F_DROUTE)),
       attr(IPVS_DEST_ATTR_WEIGHT, le32(0)), attr(IPVS_DEST_ATTR_TUN_TYPE, {0}),
       attr(IPVS_DEST_ATTR_TUN_PORT, be16(0)), attr(IPVS_DEST_ATTR_TUN_FLAGS, le16(0)),
       attr(IPVS_DEST_ATTR_U_THRESH, le32(50)), attr(IPVS_DEST_ATTR_L_THRESH, le32(5)),
       attr(IPVS_DEST_ATTR_ACTIVE_CONNS, le32(7)), attr(IPVS_DEST_ATTR_INACT_CONNS, le32(8)),
       attr(IPVS_DEST_ATTR_PERSIST_CONNS, le32(9)), attr(IPVS_DEST_ATTR_ADDR_FAMILY, le16(AF_INET6)),
       stats64(21, 22)});
}

TEST(Decode, KernelV4ServiceWithHashedFlagStripped) {
  const auto status = decodeService(kernelV4Service());
  const core::VirtualService expected{
      .key = {.family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.0.0.1"), .port = 80},
      .scheduler = "wrr",
      .flags = core::svc_flags::kPersistent,
      .timeout = 360,
      .netmask = 0xffffff00};
  EXPECT_EQ(status.service, expected);
  EXPECT_EQ(status.stats.connections, 5U) << "STATS64 wins over STATS";
  EXPECT_EQ(status.stats.bytesIn, 1ULL << 40);
  EXPECT_EQ(status.stats.packetsIn, 11U);
  EXPECT_EQ(status.stats.packetsOut, 12U);
  EXPECT_EQ(status.stats.bytesOut, 14U);
  EXPECT_EQ(status.stats.connectionsPerSecond, 15U);
  EXPECT_EQ(status.stats.packetsInPerSecond, 16U);
  EXPECT_EQ(status.stats.packetsOutPerSecond, 17U);
  EXPECT_EQ(status.stats.bytesInPerSecond, 18U);
  EXPECT_EQ(status.stats.bytesOutPerSecond, 19U);
}

TEST(Decode, OlderKernelsWithOnly32BitStats) {
  const Bytes payload =
      nest(IPVS_CMD_ATTR_SERVICE,
           {attr(IPVS_SVC_ATTR_AF, le16(AF_INET6)), attr(IPVS_SVC_ATTR_PROTOCOL, le16(IPPROTO_SCTP)),
            attr(IPVS_SVC_ATTR_ADDR, inetAddr({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})),
            attr(IPVS_SVC_ATTR_PORT, be16(9)), attr(IPVS_SVC_ATTR_SCHED_NAME, str("sh")),
            attr(IPVS_SVC_ATTR_FLAGS, cat({le32(0x2 | 0x8), le32(~0U)})),
            attr(IPVS_SVC_ATTR_TIMEOUT, le32(0)), attr(IPVS_SVC_ATTR_NETMASK, le32(64)), stats32(4)});
  const auto status = decodeService(payload);
  EXPECT_EQ(status.service.key,
            (core::VirtualServiceKey{
                .family = IpFamily::V6, .protocol = Protocol::Sctp, .address = ip("fd00::1"), .port = 9}));
  EXPECT_EQ(status.service.flags, core::svc_flags::kSched1);
  EXPECT_EQ(status.service.netmask, 64U);
  EXPECT_EQ(status.stats.connections, 4U);
  EXPECT_EQ(status.stats.packetsIn, 3U);
  EXPECT_EQ(status.stats.bytesIn, 1ULL << 33);
}

TEST(Decode, FwmarkServiceHasACanonicalKey) {
  const Bytes payload =
      nest(IPVS_CMD_ATTR_SERVICE,
           {attr(IPVS_SVC_ATTR_AF, le16(AF_INET6)), attr(IPVS_SVC_ATTR_FWMARK, le32(42)),
            attr(IPVS_SVC_ATTR_SCHED_NAME, str("rr")), attr(IPVS_SVC_ATTR_FLAGS, cat({le32(2), le32(~0U)})),
            attr(IPVS_SVC_ATTR_TIMEOUT, le32(0)), attr(IPVS_SVC_ATTR_NETMASK, le32(128))});
  EXPECT_EQ(decodeService(payload).service.key,
            (core::VirtualServiceKey{
                .family = IpFamily::V6, .protocol = Protocol::Tcp, .address = ip("::"), .fwmark = 42}));
}

TEST(Decode, KernelV6RealServerWithCounters) {
  const auto status = decodeRealServer(kernelV6Dest());
  EXPECT_EQ(status.server, (core::RealServer{.address = ip("fd00::9"),
                                             .port = 8443,
                                             .weight = 0,
                                             .forward = core::ForwardMethod::DirectRoute,
                                             .upperThreshold = 50,
                                             .lowerThreshold = 5}));
  EXPECT_EQ(status.activeConnections, 7U);
  EXPECT_EQ(status.inactiveConnections, 8U);
  EXPECT_EQ(status.persistentConnections, 9U);
  EXPECT_EQ(status.stats.connections, 21U);
  EXPECT_EQ(status.stats.bytesIn, 22U);
}

TEST(Decode, RealServerWithoutFamilyTakesTheServiceFamily) {
  const Bytes payload =
      nest(IPVS_CMD_ATTR_DEST,
           {attr(IPVS_DEST_ATTR_ADDR, inetAddr({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2})),
            attr(IPVS_DEST_ATTR_PORT, be16(80)), attr(IPVS_DEST_ATTR_FWD_METHOD, le32(0)),
            attr(IPVS_DEST_ATTR_WEIGHT, le32(1))});
  EXPECT_EQ(decodeRealServer(payload, IpFamily::V6).server.address, ip("fd00::2"));
  EXPECT_EQ(decodeRealServer(payload).server.address, ip("253.0.0.0"));
}

TEST(Decode, InfoAndConfig) {
  const auto info = decodeInfo(
      cat({attr(IPVS_INFO_ATTR_VERSION, le32(0x010201)), attr(IPVS_INFO_ATTR_CONN_TAB_SIZE, le32(4096))}));
  EXPECT_EQ(info, (KernelInfo{.version = 0x010201, .connTableSize = 4096}));
  EXPECT_EQ(info.versionString(), "1.2.1");
  EXPECT_EQ(decodeConfig(cat({attr(IPVS_CMD_ATTR_TIMEOUT_TCP, le32(900)),
                              attr(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, le32(120)),
                              attr(IPVS_CMD_ATTR_TIMEOUT_UDP, le32(300))})),
            (Timeouts{.tcp = 900, .tcpFin = 120, .udp = 300}));
  EXPECT_EQ(errnoOf([] { decodeInfo({}); }), EBADMSG);
}

TEST(Decode, UnknownFamilyProtocolOrForwardingIsAnError) {
  const auto service = [](std::uint16_t af, std::uint16_t protocol) {
    return nest(
        IPVS_CMD_ATTR_SERVICE,
        {attr(IPVS_SVC_ATTR_AF, le16(af)), attr(IPVS_SVC_ATTR_PROTOCOL, le16(protocol)),
         attr(IPVS_SVC_ATTR_ADDR, inetAddr({1, 2, 3, 4})), attr(IPVS_SVC_ATTR_PORT, be16(1)),
         attr(IPVS_SVC_ATTR_SCHED_NAME, str("rr")), attr(IPVS_SVC_ATTR_FLAGS, cat({le32(0), le32(0)})),
         attr(IPVS_SVC_ATTR_TIMEOUT, le32(0)), attr(IPVS_SVC_ATTR_NETMASK, le32(0))});
  };
  EXPECT_NO_THROW(decodeService(service(AF_INET, IPPROTO_UDP)));
  EXPECT_EQ(errnoOf([&] { decodeService(service(99, IPPROTO_UDP)); }), EBADMSG);
  EXPECT_EQ(errnoOf([&] { decodeService(service(AF_INET, IPPROTO_ICMP)); }), EBADMSG);
  const Bytes dest =
      nest(IPVS_CMD_ATTR_DEST,
           {attr(IPVS_DEST_ATTR_ADDR, inetAddr({1, 2, 3, 4})), attr(IPVS_DEST_ATTR_PORT, be16(80)),
            attr(IPVS_DEST_ATTR_FWD_METHOD, le32(7)), attr(IPVS_DEST_ATTR_WEIGHT, le32(1))});
  EXPECT_EQ(errnoOf([&] { decodeRealServer(dest); }), EBADMSG);
}

TEST(Decode, ShortAddressIsAnErrorThatSaysSo) {
  const Bytes payload = nest(
      IPVS_CMD_ATTR_DEST, {attr(IPVS_DEST_ATTR_ADDR_FAMILY, le16(AF_INET6)),
                           attr(IPVS_DEST_ATTR_ADDR, Bytes{1, 2, 3, 4}), attr(IPVS_DEST_ATTR_PORT, be16(80)),
                           attr(IPVS_DEST_ATTR_FWD_METHOD, le32(0)), attr(IPVS_DEST_ATTR_WEIGHT, le32(1))});
  try {
    decodeRealServer(payload);
    FAIL() << "no error";
  } catch (const IpvsError& error) {
    EXPECT_EQ(error.errnum(), EBADMSG);
    EXPECT_NE(std::string(error.what()).find("address attribute has 4 bytes"), std::string::npos)
        << error.what();
  }
}

TEST(Decode, EveryTruncationIsAnErrorNotACrash) {
  for (const Bytes& whole : {kernelV4Service(), kernelV6Dest()}) {
    const bool isService = whole[2] == IPVS_CMD_ATTR_SERVICE;
    for (std::size_t length = 0; length < whole.size(); ++length) {
      const Bytes part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length));
      const int error =
          errnoOf([&] { isService ? (void)decodeService(part) : (void)decodeRealServer(part); });
      EXPECT_EQ(error, EBADMSG) << "length " << length;
    }
  }
}

TEST(Decode, GarbageNeverCrashes) {
  std::mt19937 random(12345);
  const Bytes seed = kernelV4Service();
  int decoded = 0;
  for (int round = 0; round < 5000; ++round) {
    Bytes data = seed;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) {
      data[random() % data.size()] = static_cast<std::uint8_t>(random());
    }
    try {
      decodeService(data);
      decodeRealServer(data);
      ++decoded;
    } catch (const IpvsError& error) {
      EXPECT_EQ(error.errnum(), EBADMSG);
    }
  }
  EXPECT_LT(decoded, 5000) << "a service is no real server";
}

// Requests carry every field the kernel echoes back, so encode -> decode is the identity.
TEST(RoundTrip, ServicesOfEveryShape) {
  const std::vector<core::VirtualService> services = {
      {.key = {.family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.0.0.1"), .port = 80}},
      {.key = {.family = IpFamily::V4, .protocol = Protocol::Udp, .address = ip("198.18.0.1"), .port = 53},
       .scheduler = "sh",
       .flags = core::svc_flags::kSched1 | core::svc_flags::kSched2},
      {.key = {.family = IpFamily::V4, .protocol = Protocol::Sctp, .address = ip("10.9.9.9"), .port = 65535},
       .scheduler = "wlc",
       .flags = core::svc_flags::kPersistent | core::svc_flags::kOnePacket,
       .timeout = 10800,
       .netmask = 0xffff0000},
      {.key = {.family = IpFamily::V6, .protocol = Protocol::Tcp, .address = ip("fd00::10"), .port = 443},
       .scheduler = "mh",
       .flags = core::svc_flags::kSched1,
       .netmask = 128},
      {.key = {.family = IpFamily::V6, .protocol = Protocol::Udp, .address = ip("2001:db8::1"), .port = 1},
       .flags = core::svc_flags::kPersistent,
       .timeout = 60,
       .netmask = 64},
      {.key = {.family = IpFamily::V4, .address = ip("0.0.0.0"), .fwmark = 1}},
      {.key = {.family = IpFamily::V6, .address = ip("::"), .fwmark = 0xffffffff},
       .scheduler = "lblcr",
       .netmask = 128},
  };
  for (const auto& service : services) {
    EXPECT_EQ(decodeService(encodeAddService(service).attributes).service, service) << service;
  }
}

TEST(RoundTrip, RealServersOfEveryShape) {
  const core::VirtualServiceKey key{.family = IpFamily::V4, .address = ip("10.0.0.1"), .port = 80};
  const std::vector<core::RealServer> reals = {
      {.address = ip("10.1.0.1"), .port = 8080},
      {.address = ip("10.1.0.2"), .port = 0, .weight = 0, .forward = core::ForwardMethod::DirectRoute},
      {.address = ip("fd00::2"),
       .port = 9,
       .weight = 65535,
       .forward = core::ForwardMethod::Tunnel,
       .upperThreshold = 1000,
       .lowerThreshold = 100},
      {.address = ip("127.0.0.1"), .port = 1, .forward = core::ForwardMethod::Local},
  };
  for (const auto& real : reals) {
    EXPECT_EQ(decodeRealServer(encodeAddReal(key, real).attributes).server, real) << real;
  }
}

}  // namespace
}  // namespace kipvs::ipvs
