// Every IPVS operation against the real kernel, each result checked through NetlinkIpvs and ipvsadm.

#include <cerrno>

#include "vm_fixture.hpp"

namespace kipvs::ipvs::vmtest {
namespace {

using core::IpFamily;
using core::Protocol;
using core::VirtualService;
namespace flags = core::svc_flags;

VirtualService svc(Protocol protocol, const char* address, std::uint16_t port, const char* scheduler = "rr") {
  const auto addr = ip(address);
  return {.key = {.family = addr.family(), .protocol = protocol, .address = addr, .port = port, .fwmark = 0},
          .scheduler = scheduler,
          .netmask = addr.family() == IpFamily::V6 ? 128U : 0xffffffffU};
}

VirtualService fwmark(std::uint32_t mark, IpFamily family, const char* scheduler = "rr") {
  return {.key = {.family = family,
                  .protocol = Protocol::Tcp,
                  .address = ip(family == IpFamily::V6 ? "::" : "0.0.0.0"),
                  .port = 0,
                  .fwmark = mark},
          .scheduler = scheduler,
          .netmask = family == IpFamily::V6 ? 128U : 0xffffffffU};
}

TEST_F(IpvsVm, KernelInfoMatchesIpvsadm) {
  const auto info = ipvs_.info();
  EXPECT_EQ(info.versionString(), "1.2.1");
  EXPECT_GT(info.connTableSize, 0U);
  EXPECT_EQ(run("ipvsadm -Ln | head -n 1"), "IP Virtual Server version " + info.versionString() +
                                                " (size=" + std::to_string(info.connTableSize) + ")\n");
}

TEST_F(IpvsVm, TimeoutsReadAndWrittenBothWays) {
  const auto text = [](const Timeouts& t) {
    return "Timeout (tcp tcpfin udp): " + std::to_string(t.tcp) + ' ' + std::to_string(t.tcpFin) + ' ' +
           std::to_string(t.udp) + '\n';
  };
  const auto before = ipvs_.timeouts();
  EXPECT_GT(before.tcp, 0U);
  EXPECT_EQ(run("ipvsadm -L --timeout"), text(before));
  ipvs_.setTimeouts({.tcp = 1000, .tcpFin = 60, .udp = 200});
  EXPECT_EQ(ipvs_.timeouts(), (Timeouts{.tcp = 1000, .tcpFin = 60, .udp = 200}));
  EXPECT_EQ(run("ipvsadm -L --timeout"), text({.tcp = 1000, .tcpFin = 60, .udp = 200}));
  ipvs_.setTimeouts({.tcp = 0, .tcpFin = 30, .udp = 0});  // 0 = unchanged
  EXPECT_EQ(ipvs_.timeouts(), (Timeouts{.tcp = 1000, .tcpFin = 30, .udp = 200}));
  run("ipvsadm --set 900 120 300");
  EXPECT_EQ(ipvs_.timeouts(), (Timeouts{.tcp = 900, .tcpFin = 120, .udp = 300}));
  ipvs_.setTimeouts(before);
}

TEST_F(IpvsVm, ServicesOfEveryProtocolFamilyAndFlag) {
  std::vector<VirtualService> services = {
      svc(Protocol::Tcp, "10.0.0.1", 80),
      svc(Protocol::Udp, "10.0.0.1", 53, "wrr"),
      svc(Protocol::Sctp, "10.0.0.1", 3868, "lc"),
      svc(Protocol::Tcp, "fd00::1", 443, "wlc"),
      svc(Protocol::Udp, "fd00::1", 53, "sed"),
      svc(Protocol::Sctp, "fd00::1", 3868, "nq"),
      fwmark(7, IpFamily::V4),
      fwmark(8, IpFamily::V6, "dh"),
  };
  auto persistent = svc(Protocol::Tcp, "10.0.0.2", 443);
  persistent.flags = flags::kPersistent;
  persistent.timeout = 10800;
  persistent.netmask = 0xffffff00;
  services.push_back(persistent);
  auto persistent6 = svc(Protocol::Tcp, "fd00::2", 443, "lblc");
  persistent6.flags = flags::kPersistent;
  persistent6.timeout = 60;
  persistent6.netmask = 64;
  services.push_back(persistent6);
  auto onePacket = svc(Protocol::Udp, "10.0.0.3", 4789);
  onePacket.flags = flags::kOnePacket;
  services.push_back(onePacket);

  std::vector<AdmService> expected;
  for (const auto& service : services) {
    ipvs_.addService(service);
    expected.push_back({.service = service, .reals = {}});
  }
  expectAllAgree(tableOf(expected));
  for (const auto& service : services) {
    EXPECT_EQ(ipvs_.service(service.key).service, service);
  }

  // Edit: scheduler, persistence and flags change in place.
  expected[0].service.scheduler = "sh";
  expected[0].service.flags = flags::kSched1 | flags::kSched2;
  expected[3].service.flags = flags::kPersistent;
  expected[3].service.timeout = 30;
  expected[3].service.netmask = 96;
  expected[6].service.scheduler = "lblcr";
  expected[8].service.flags = 0;
  expected[8].service.timeout = 0;
  expected[8].service.netmask = 0xffffffff;
  for (const std::size_t i : {0, 3, 6, 8}) {
    ipvs_.editService(expected[i].service);
  }
  expectAllAgree(tableOf(expected));

  // Delete every other one.
  std::vector<AdmService> kept;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (i % 2 == 0) {
      ipvs_.deleteService(expected[i].service.key);
    } else {
      kept.push_back(expected[i]);
    }
  }
  expectAllAgree(tableOf(kept));
}

TEST_F(IpvsVm, RealServersOfEveryKind) {
  const auto tcp = svc(Protocol::Tcp, "10.0.0.1", 80);
  const auto tcp6 = svc(Protocol::Tcp, "fd00::1", 80, "wrr");
  const auto mark = fwmark(5, IpFamily::V4, "wlc");
  for (const auto& service : {tcp, tcp6, mark}) {
    ipvs_.addService(service);
  }
  std::vector<AdmService> expected = {
      {.service = tcp,
       .reals =
           {{.address = ip("10.1.0.1"), .port = 8080, .weight = 1},
            {.address = ip("10.1.0.2"), .port = 80, .weight = 0, .forward = core::ForwardMethod::DirectRoute},
            {.address = ip("10.1.0.3"),
             .port = 80,
             .weight = 5,
             .forward = core::ForwardMethod::Tunnel,
             .upperThreshold = 100,
             .lowerThreshold = 10}}},
      {.service = tcp6,
       .reals = {{.address = ip("fd00:1::1"), .port = 8080, .weight = 3},
                 {.address = ip("fd00:1::2"), .port = 8080, .weight = 65535, .upperThreshold = 7}}},
      {.service = mark, .reals = {{.address = ip("10.1.0.4"), .port = 8080, .weight = 2}}},
  };
  for (const auto& entry : expected) {
    for (const auto& real : entry.reals) {
      ipvs_.addRealServer(entry.service.key, real);
    }
  }
  expectAllAgree(tableOf(expected));
  const auto status = ipvs_.realServer(tcp.key, ip("10.1.0.3"), 80);
  EXPECT_EQ(status.server, expected[0].reals[2]);

  // Edit weight, forwarding and thresholds; delete one.
  expected[0].reals[0].weight = 9;
  expected[0].reals[1].forward = core::ForwardMethod::Masquerade;
  expected[1].reals[1].upperThreshold = 0;
  expected[1].reals[1].lowerThreshold = 0;
  ipvs_.editRealServer(tcp.key, expected[0].reals[0]);
  ipvs_.editRealServer(tcp.key, expected[0].reals[1]);
  ipvs_.editRealServer(tcp6.key, expected[1].reals[1]);
  ipvs_.deleteRealServer(mark.key, expected[2].reals[0]);
  expected[2].reals.clear();
  expectAllAgree(tableOf(expected));
}

TEST_F(IpvsVm, EverySchedulerTheKernelShipsWithItsFlags) {
  const std::vector<std::string> schedulers = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh",
                                               "sh", "sed", "nq", "fo",  "ovf",  "mh"};
  std::vector<AdmService> expected;
  std::uint16_t port = 1000;
  for (const auto& name : schedulers) {
    auto service = svc(Protocol::Tcp, "10.0.0.1", port++, name.c_str());
    expected.push_back({.service = service, .reals = {{.address = ip("10.1.0.1"), .port = 80, .weight = 2}}});
  }
  auto mh = svc(Protocol::Tcp, "10.0.0.1", port++, "mh");
  mh.flags = flags::kSched1 | flags::kSched2;  // mh-fallback, mh-port
  auto mhPort = svc(Protocol::Udp, "fd00::1", port++, "mh");
  mhPort.flags = flags::kSched2;
  auto sh = svc(Protocol::Tcp, "10.0.0.1", port++, "sh");
  sh.flags = flags::kSched1;
  for (const auto& service : {mh, mhPort, sh}) {
    expected.push_back({.service = service, .reals = {}});
  }
  for (const auto& entry : expected) {
    ipvs_.addService(entry.service);
    for (const auto& real : entry.reals) {
      ipvs_.addRealServer(entry.service.key, real);
    }
  }
  expectAllAgree(tableOf(expected));
  const auto list = run("ipvsadm -Ln");
  EXPECT_NE(list.find("10.0.0.1:1013 mh (mh-fallback,mh-port)"), std::string::npos) << list;
  EXPECT_NE(list.find("[fd00::1]:1014 mh (mh-port)"), std::string::npos) << list;
  EXPECT_NE(list.find("10.0.0.1:1015 sh (sh-fallback)"), std::string::npos) << list;
}

TEST_F(IpvsVm, ErrorsAreTypedAndCarryTheErrno) {
  const auto service = svc(Protocol::Tcp, "10.0.0.1", 80);
  const core::RealServer real{.address = ip("10.1.0.1"), .port = 8080};
  ipvs_.addService(service);
  ipvs_.addRealServer(service.key, real);

  expectError(EEXIST, "add virtual service TCP 10.0.0.1:80: File exists", [&] { ipvs_.addService(service); });
  expectError(EEXIST, "add real server 10.1.0.1:8080 of virtual service TCP 10.0.0.1:80: File exists",
              [&] { ipvs_.addRealServer(service.key, real); });
  const auto missing = svc(Protocol::Udp, "10.0.0.9", 80).key;
  expectError(ESRCH, "delete virtual service UDP 10.0.0.9:80: No such process",
              [&] { ipvs_.deleteService(missing); });
  expectError(ESRCH, "add real server 10.1.0.1:8080 of virtual service UDP 10.0.0.9:80: No such process",
              [&] { ipvs_.addRealServer(missing, real); });
  expectError(
      ENOENT,
      "delete real server 10.1.0.2:8080 of virtual service TCP 10.0.0.1:80: No such file or directory",
      [&] { ipvs_.deleteRealServer(service.key, {.address = ip("10.1.0.2"), .port = 8080}); });
  expectError(ESRCH, "get virtual service UDP 10.0.0.9:80: No such process", [&] { ipvs_.service(missing); });
  expectError(ENOENT,
              "get real server 10.1.0.2:1 of virtual service TCP 10.0.0.1:80: No such file or directory",
              [&] { ipvs_.realServer(service.key, ip("10.1.0.2"), 1); });
  expectError(ENOENT, "add virtual service TCP 10.0.0.2:80: No such file or directory",
              [&] { ipvs_.addService(svc(Protocol::Tcp, "10.0.0.2", 80, "nosuch")); });
  // Invalid addresses: multicast real server, IPv6 real server behind an IPv4 NAT service, key mismatch.
  expectError(EINVAL, "add real server 224.0.0.1:80 of virtual service TCP 10.0.0.1:80: Invalid argument",
              [&] { ipvs_.addRealServer(service.key, {.address = ip("224.0.0.1"), .port = 80}); });
  expectError(EINVAL, "add real server [fd00::5]:80 of virtual service TCP 10.0.0.1:80: Invalid argument",
              [&] { ipvs_.addRealServer(service.key, {.address = ip("fd00::5"), .port = 80}); });
  auto mismatched = service;
  mismatched.key.address = ip("fd00::1");
  try {
    ipvs_.addService(mismatched);
    ADD_FAILURE() << "no error";
  } catch (const IpvsError& error) {
    EXPECT_EQ(error.errnum(), EINVAL) << error.what();
  }
  // Nothing of that changed the table.
  expectAllAgree(tableOf({{.service = service, .reals = {real}}}));
}

TEST_F(IpvsVm, ApplyReportsOneErrnoPerOpAndGoesOn) {
  using Kind = core::IpvsOp::Kind;
  const auto a = svc(Protocol::Tcp, "10.0.0.1", 80);
  const auto b = svc(Protocol::Udp, "fd00::1", 53, "wrr");
  const core::RealServer r1{.address = ip("10.1.0.1"), .port = 80};
  const core::RealServer r2{.address = ip("fd00:1::1"), .port = 53, .weight = 4};
  auto bad = a;
  bad.key.address = ip("fd00::9");
  const std::vector<core::IpvsOp> ops = {
      {.kind = Kind::AddService, .service = a, .real = {}},
      {.kind = Kind::AddService, .service = a, .real = {}},
      {.kind = Kind::AddReal, .service = a, .real = r1},
      {.kind = Kind::DeleteService, .service = svc(Protocol::Tcp, "10.0.0.9", 1), .real = {}},
      {.kind = Kind::AddService, .service = bad, .real = {}},
      {.kind = Kind::AddService, .service = b, .real = {}},
      {.kind = Kind::AddReal, .service = b, .real = r2},
      {.kind = Kind::DeleteReal, .service = b, .real = r1},
      {.kind = Kind::EditReal, .service = a, .real = {.address = ip("10.1.0.1"), .port = 80, .weight = 7}},
  };
  EXPECT_EQ(ipvs_.apply(ops), (std::vector<int>{0, EEXIST, 0, ESRCH, EINVAL, 0, 0, ENOENT, 0}));
  expectAllAgree(tableOf({{.service = a, .reals = {{.address = ip("10.1.0.1"), .port = 80, .weight = 7}}},
                          {.service = b, .reals = {r2}}}));
  EXPECT_TRUE(ipvs_.apply({}).empty());
}

TEST_F(IpvsVm, FlushEmptiesTheTableOnlyWhenCalled) {
  ipvs_.addService(svc(Protocol::Tcp, "10.0.0.1", 80));
  run("ipvsadm -A -u 10.0.0.2:53 -s rr");
  EXPECT_EQ(ipvs_.listServices().size(), 2U) << "a service someone else made is listed too";
  ipvs_.flush();
  EXPECT_TRUE(ipvs_.listServices().empty());
  EXPECT_EQ(run("ipvsadm -S -n"), "");
}

}  // namespace
}  // namespace kipvs::ipvs::vmtest
