// Encoding: requests carry exactly the attributes and layout <linux/ip_vs.h> and ip_vs_ctl.c expect.

#include "ipvs/codec.hpp"

#include <gtest/gtest.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bytes.hpp"
#include "ipvs_test_util.hpp"

namespace kipvs::ipvs {
namespace {

using namespace testing;
using core::IpFamily;
using core::Protocol;

core::VirtualService tcpService() {
  return {.key = {.family = IpFamily::V4, .protocol = Protocol::Tcp, .address = ip("10.0.0.1"), .port = 80},
          .scheduler = "rr"};
}

Bytes v4Key() {
  return cat({attr(IPVS_SVC_ATTR_AF, le16(AF_INET)), attr(IPVS_SVC_ATTR_PROTOCOL, le16(IPPROTO_TCP)),
              attr(IPVS_SVC_ATTR_ADDR, inetAddr({10, 0, 0, 1})), attr(IPVS_SVC_ATTR_PORT, be16(80))});
}

Bytes flagsAttr(std::uint32_t flags) {
  return attr(IPVS_SVC_ATTR_FLAGS, cat({le32(flags), le32(0xffffffff)}));
}

TEST(Encode, AddServiceV4HasKeyAndEverySetting) {
  auto service = tcpService();
  service.flags = core::svc_flags::kPersistent;
  service.timeout = 300;
  service.netmask = 0xffffff00;
  const auto request = encodeAddService(service);
  EXPECT_EQ(request.command, IPVS_CMD_NEW_SERVICE);
  EXPECT_FALSE(request.dump);
  EXPECT_EQ(request.attributes,
            attr(IPVS_CMD_ATTR_SERVICE, cat({v4Key(), attr(IPVS_SVC_ATTR_SCHED_NAME, str("rr")), flagsAttr(1),
                                             attr(IPVS_SVC_ATTR_TIMEOUT, le32(300)),
                                             attr(IPVS_SVC_ATTR_NETMASK, be32(0xffffff00))})));
}

TEST(Encode, AddServiceV6SendsSixteenBytesAndAPrefixLength) {
  core::VirtualService service{
      .key = {.family = IpFamily::V6, .protocol = Protocol::Udp, .address = ip("fd00::1"), .port = 53},
      .scheduler = "mh",
      .flags = core::svc_flags::kSched1 | core::svc_flags::kSched2};
  const auto request = encodeAddService(service);
  const Bytes expected = attr(
      IPVS_CMD_ATTR_SERVICE,
      cat({attr(IPVS_SVC_ATTR_AF, le16(AF_INET6)), attr(IPVS_SVC_ATTR_PROTOCOL, le16(IPPROTO_UDP)),
           attr(IPVS_SVC_ATTR_ADDR, inetAddr({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})),
           attr(IPVS_SVC_ATTR_PORT, be16(53)), attr(IPVS_SVC_ATTR_SCHED_NAME, str("mh")), flagsAttr(0x18),
           attr(IPVS_SVC_ATTR_TIMEOUT, le32(0)), attr(IPVS_SVC_ATTR_NETMASK, le32(128))}));
  EXPECT_EQ(request.attributes, expected) << "the all-ones default becomes /128";

  service.netmask = 64;
  const auto bytes = encodeAddService(service).attributes;
  EXPECT_EQ(Bytes(bytes.end() - 8, bytes.end()), attr(IPVS_SVC_ATTR_NETMASK, le32(64)));
}

TEST(Encode, FwmarkServiceSendsOnlyFamilyAndMark) {
  core::VirtualService service{.key = {.family = IpFamily::V6, .address = ip("::"), .fwmark = 7},
                               .scheduler = "wlc"};
  EXPECT_EQ(encodeDeleteService(service.key).attributes,
            nest(IPVS_CMD_ATTR_SERVICE,
                 {attr(IPVS_SVC_ATTR_AF, le16(AF_INET6)), attr(IPVS_SVC_ATTR_FWMARK, le32(7))}));
}

TEST(Encode, NeverSendsTheHashedFlag) {
  auto service = tcpService();
  service.flags = core::svc_flags::kHashed | core::svc_flags::kOnePacket;
  const auto bytes = encodeEditService(service).attributes;
  const Bytes wanted = flagsAttr(core::svc_flags::kOnePacket);
  EXPECT_NE(std::search(bytes.begin(), bytes.end(), wanted.begin(), wanted.end()), bytes.end());
  EXPECT_EQ(encodeEditService(service).command, IPVS_CMD_SET_SERVICE);
}

TEST(Encode, DeleteAndGetServiceSendTheKeyOnly) {
  EXPECT_EQ(encodeDeleteService(tcpService().key).attributes, attr(IPVS_CMD_ATTR_SERVICE, v4Key()));
  EXPECT_EQ(encodeDeleteService(tcpService().key).command, IPVS_CMD_DEL_SERVICE);
  const auto get = encodeGetService(tcpService().key);
  EXPECT_EQ(get.command, IPVS_CMD_GET_SERVICE);
  EXPECT_FALSE(get.dump);
  EXPECT_EQ(get.attributes, attr(IPVS_CMD_ATTR_SERVICE, v4Key()));
}

TEST(Encode, AddRealCarriesServiceKeyAndFullDestination) {
  const core::RealServer real{.address = ip("10.1.0.5"),
                              .port = 8080,
                              .weight = 3,
                              .forward = core::ForwardMethod::Tunnel,
                              .upperThreshold = 100,
                              .lowerThreshold = 10};
  const auto request = encodeAddReal(tcpService().key, real);
  EXPECT_EQ(request.command, IPVS_CMD_NEW_DEST);
  EXPECT_EQ(
      request.attributes,
      cat({attr(IPVS_CMD_ATTR_SERVICE, v4Key()),
           nest(IPVS_CMD_ATTR_DEST,
                {attr(IPVS_DEST_ATTR_ADDR_FAMILY, le16(AF_INET)),
                 attr(IPVS_DEST_ATTR_ADDR, inetAddr({10, 1, 0, 5})), attr(IPVS_DEST_ATTR_PORT, be16(8080)),
                 attr(IPVS_DEST_ATTR_FWD_METHOD, le32(IP_VS_CONN_F_TUNNEL)),
                 attr(IPVS_DEST_ATTR_WEIGHT, le32(3)), attr(IPVS_DEST_ATTR_U_THRESH, le32(100)),
                 attr(IPVS_DEST_ATTR_L_THRESH, le32(10))})}));
  EXPECT_EQ(encodeEditReal(tcpService().key, real).command, IPVS_CMD_SET_DEST);
  EXPECT_EQ(encodeEditReal(tcpService().key, real).attributes, request.attributes);
}

TEST(Encode, DeleteRealSendsTheDestinationKeyOnly) {
  const core::RealServer real{.address = ip("fd00::5"), .port = 53};
  const auto request = encodeDeleteReal(tcpService().key, real);
  EXPECT_EQ(request.command, IPVS_CMD_DEL_DEST);
  EXPECT_EQ(
      request.attributes,
      cat({attr(IPVS_CMD_ATTR_SERVICE, v4Key()),
           nest(IPVS_CMD_ATTR_DEST,
                {attr(IPVS_DEST_ATTR_ADDR_FAMILY, le16(AF_INET6)),
                 attr(IPVS_DEST_ATTR_ADDR, inetAddr({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5})),
                 attr(IPVS_DEST_ATTR_PORT, be16(53))})}));
}

TEST(Encode, DumpsAreFlaggedAndRealServerDumpsNameTheService) {
  EXPECT_EQ(encodeDumpServices(), (Request{.command = IPVS_CMD_GET_SERVICE, .dump = true}));
  const auto reals = encodeDumpReals(tcpService().key);
  EXPECT_EQ(reals.command, IPVS_CMD_GET_DEST);
  EXPECT_TRUE(reals.dump);
  EXPECT_EQ(reals.attributes, attr(IPVS_CMD_ATTR_SERVICE, v4Key()));
}

TEST(Encode, ConfigInfoAndFlush) {
  EXPECT_EQ(encodeGetInfo(), (Request{.command = IPVS_CMD_GET_INFO}));
  EXPECT_EQ(encodeGetConfig(), (Request{.command = IPVS_CMD_GET_CONFIG}));
  EXPECT_EQ(encodeFlush(), (Request{.command = IPVS_CMD_FLUSH}));
  const auto set = encodeSetConfig({.tcp = 900, .tcpFin = 120, .udp = 300});
  EXPECT_EQ(set.command, IPVS_CMD_SET_CONFIG);
  EXPECT_EQ(set.attributes,
            cat({attr(IPVS_CMD_ATTR_TIMEOUT_TCP, le32(900)), attr(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, le32(120)),
                 attr(IPVS_CMD_ATTR_TIMEOUT_UDP, le32(300))}));
}

TEST(Encode, OpDispatchesToTheMatchingEncoder) {
  using Kind = core::IpvsOp::Kind;
  const core::RealServer real{.address = ip("10.1.0.5"), .port = 80};
  const auto op = [&](Kind kind) {
    return core::IpvsOp{.kind = kind, .service = tcpService(), .real = real};
  };
  EXPECT_EQ(encode(op(Kind::AddService)), encodeAddService(tcpService()));
  EXPECT_EQ(encode(op(Kind::EditService)), encodeEditService(tcpService()));
  EXPECT_EQ(encode(op(Kind::DeleteService)), encodeDeleteService(tcpService().key));
  EXPECT_EQ(encode(op(Kind::AddReal)), encodeAddReal(tcpService().key, real));
  EXPECT_EQ(encode(op(Kind::EditReal)), encodeEditReal(tcpService().key, real));
  EXPECT_EQ(encode(op(Kind::DeleteReal)), encodeDeleteReal(tcpService().key, real));
}

TEST(Encode, DescribeSaysWhatIsAttempted) {
  using Kind = core::IpvsOp::Kind;
  const core::RealServer real{.address = ip("10.1.0.5"), .port = 8080};
  EXPECT_EQ(describe({.kind = Kind::AddService, .service = tcpService(), .real = {}}),
            "add virtual service TCP 10.0.0.1:80");
  EXPECT_EQ(describe({.kind = Kind::DeleteReal, .service = tcpService(), .real = real}),
            "delete real server 10.1.0.5:8080 Masq w=1 from virtual service TCP 10.0.0.1:80");
}

TEST(Encode, RejectsAnAddressOfTheWrongFamily) {
  auto service = tcpService();
  service.key.address = ip("fd00::1");
  try {
    encodeAddService(service);
    FAIL() << "no error";
  } catch (const IpvsError& error) {
    EXPECT_EQ(error.errnum(), EINVAL);
    EXPECT_EQ(
        std::string(error.what()).rfind("add virtual service TCP fd00::1:80: address fd00::1 is not IPv4", 0),
        0U)
        << error.what();
  }
}

TEST(Encode, RejectsASchedulerNameTheKernelCannotHold) {
  auto service = tcpService();
  service.scheduler = std::string(IP_VS_SCHEDNAME_MAXLEN, 'x');
  EXPECT_THROW(encodeAddService(service), IpvsError);
  service.scheduler.pop_back();
  EXPECT_NO_THROW(encodeAddService(service));
}

}  // namespace
}  // namespace kipvs::ipvs
