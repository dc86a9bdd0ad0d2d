// 10,000 virtual services x 10 real servers: programmed with one apply(), listed back completely and
// correctly through NetlinkIpvs and ipvsadm.

#include "vm_fixture.hpp"

namespace kipvs::ipvs::vmtest {
namespace {

constexpr int kServices = 10000;
constexpr int kRealsPerService = 10;

core::IpAddress v4(int a, int b, int c, int d) {
  return ip((std::to_string(a) + '.' + std::to_string(b) + '.' + std::to_string(c) + '.' + std::to_string(d))
                .c_str());
}

TEST_F(IpvsVm, TenThousandServicesTimesTenRealServers) {
  std::vector<AdmService> entries;
  std::vector<core::IpvsOp> ops;
  for (int s = 0; s < kServices; ++s) {
    const auto protocol = s % 3 == 0 ? core::Protocol::Udp : core::Protocol::Tcp;
    AdmService entry{.service = {.key = {.family = core::IpFamily::V4,
                                         .protocol = protocol,
                                         .address = v4(10, 64, s >> 8, s & 0xff),
                                         .port = static_cast<std::uint16_t>(80 + s % 7),
                                         .fwmark = 0},
                                 .scheduler = s % 2 == 0 ? "rr" : "wrr"},
                     .reals = {}};
    ops.push_back({.kind = core::IpvsOp::Kind::AddService, .service = entry.service, .real = {}});
    for (int r = 0; r < kRealsPerService; ++r) {
      const core::RealServer real{
          .address = v4(10, 128 + r, s >> 8, s & 0xff), .port = 8080, .weight = 1 + r};
      entry.reals.push_back(real);
      ops.push_back({.kind = core::IpvsOp::Kind::AddReal, .service = entry.service, .real = real});
    }
    entries.push_back(entry);
  }
  const auto results = ipvs_.apply(ops);
  ASSERT_EQ(results.size(), ops.size());
  EXPECT_EQ(std::count(results.begin(), results.end(), 0), static_cast<long>(ops.size()));

  const auto expected = tableOf(entries);
  const auto services = ipvs_.listServices();
  EXPECT_EQ(services.size(), static_cast<std::size_t>(kServices));
  expectAllAgree(expected, false);
}

}  // namespace
}  // namespace kipvs::ipvs::vmtest
